using Microsoft.ML.OnnxRuntime;
using MLNet.Autoencoders.Onnx;

namespace MLNet.Autoencoders.Inference;

/// <summary>
/// Runs the batched form of the autoencoder's ONNX graph on many rows per call (ONNX Runtime), writing straight into
/// the caller's buffers. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// is thread-safe, so one scorer serves every cursor of a transformer.
/// </summary>
internal sealed class OnnxBatchScorer : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames = [OnnxTensorNames.Internal.Input];

    public OnnxBatchScorer(byte[] batchedModel, int inputSize, int latentSize)
    {
        InputSize = inputSize;
        LatentSize = latentSize;
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        session = new InferenceSession(batchedModel, options);
    }

    public int InputSize { get; }

    public int LatentSize { get; }

    /// <summary>Scores <paramref name="rows"/> rows of <paramref name="input"/>; each non-null output buffer must hold
    /// at least rows × its width (latent, input size, 1).</summary>
    public void Score(float[] input, int rows, float[]? latent, float[]? reconstruction, float[]? error)
    {
        if (rows == 0) return;
        var names = new List<string>(3);
        var outputs = new List<OrtValue>(3);
        try
        {
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                input.AsMemory(0, rows * InputSize), [rows, InputSize]);
            void Bind(string name, float[]? buffer, int width, long[] shape)
            {
                if (buffer is null) return;
                names.Add(name);
                outputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, rows * width), shape));
            }
            Bind(OnnxTensorNames.Internal.Latent, latent, LatentSize, [rows, LatentSize]);
            Bind(OnnxTensorNames.Internal.Reconstruction!, reconstruction, InputSize, [rows, InputSize]);
            Bind(OnnxTensorNames.Internal.ReconstructionError!, error, 1, [rows, 1]);
            session.Run(runOptions, inputNames, [inputValue], names, outputs);
        }
        finally
        {
            foreach (var value in outputs) value.Dispose();
        }
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
