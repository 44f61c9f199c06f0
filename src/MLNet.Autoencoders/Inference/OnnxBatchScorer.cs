using Microsoft.ML.OnnxRuntime;

namespace MLNet.Autoencoders.Inference;

/// <summary>A caller's buffer for one output tensor of the batched graph: rows × <paramref name="Width"/> values.</summary>
internal readonly record struct OutputBuffer(string Tensor, float[] Buffer, int Width);

/// <summary>
/// Runs the batched form of a featurizer's ONNX graph on many rows per call (ONNX Runtime), writing straight into
/// the caller's buffers. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// is thread-safe, so one scorer serves every cursor of a transformer.
/// </summary>
internal sealed class OnnxBatchScorer : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;

    public OnnxBatchScorer(byte[] batchedModel, string inputTensor, int inputSize)
    {
        InputSize = inputSize;
        inputNames = [inputTensor];
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        session = new InferenceSession(batchedModel, options);
    }

    public int InputSize { get; }

    /// <summary>Scores <paramref name="rows"/> rows of <paramref name="input"/> into each output buffer.</summary>
    public void Score(float[] input, int rows, IReadOnlyList<OutputBuffer> outputs)
    {
        if (rows == 0 || outputs.Count == 0) return;
        var values = new List<OrtValue>(outputs.Count);
        try
        {
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                input.AsMemory(0, rows * InputSize), [rows, InputSize]);
            foreach (var output in outputs)
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                    output.Buffer.AsMemory(0, rows * output.Width), [rows, output.Width]));
            session.Run(runOptions, inputNames, [inputValue], outputs.Select(o => o.Tensor).ToArray(), values);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>Scores one row into the named outputs.</summary>
    public void ScoreOne(ReadOnlySpan<float> row, params OutputBuffer[] outputs) => Score(row.ToArray(), 1, outputs);

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
