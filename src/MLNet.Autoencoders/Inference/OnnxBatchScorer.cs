using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MLNet.Autoencoders.Export;
using Onnx;

namespace MLNet.Autoencoders.Inference;

/// <summary>A caller's buffer for one output tensor of the batched graph: rows × <paramref name="Width"/> values.</summary>
internal readonly record struct OutputBuffer(string Tensor, float[] Buffer, int Width);

/// <summary>
/// Runs the batched form of a featurizer's ONNX graph on many rows per call (ONNX Runtime), writing straight into
/// the caller's buffers. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// is thread-safe, so one scorer serves every cursor of a transformer.
/// </summary>
/// <remarks>
/// ONNX Runtime runs every node of a graph on each call, whichever outputs are fetched (its C# API cannot ask for
/// "only the path to the fetches"). So each set of requested outputs gets a session of its own over the graph pruned
/// to those outputs: reading only the latent then costs the encoder alone, not the decoder too (measured: Transform ran
/// at half speed before).
/// </remarks>
internal sealed class OnnxBatchScorer : IDisposable
{
    private readonly byte[] batchedModel;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly ConcurrentDictionary<string, Lazy<InferenceSession>> sessions = new();
    private bool disposed;

    public OnnxBatchScorer(byte[] batchedModel, string inputTensor, int inputSize)
    {
        this.batchedModel = batchedModel;
        InputSize = inputSize;
        inputNames = [inputTensor];
        // Load the whole graph once now, so a broken model fails when the transformer is made, not at its first Transform.
        Session(ModelProto.Parser.ParseFrom(batchedModel).Graph.Output.Select(o => o.Name).ToArray());
    }

    public int InputSize { get; }

    /// <summary>Scores <paramref name="rows"/> rows of <paramref name="input"/> into each output buffer.</summary>
    public void Score(float[] input, int rows, IReadOnlyList<OutputBuffer> outputs)
    {
        if (rows == 0 || outputs.Count == 0) return;
        var names = outputs.Select(o => o.Tensor).ToArray();
        var session = Session(names);
        var values = new List<OrtValue>(outputs.Count);
        try
        {
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                input.AsMemory(0, rows * InputSize), [rows, InputSize]);
            foreach (var output in outputs)
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                    output.Buffer.AsMemory(0, rows * output.Width), [rows, output.Width]));
            session.Run(runOptions, inputNames, [inputValue], names, values);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>Scores one row into the named outputs.</summary>
    public void ScoreOne(ReadOnlySpan<float> row, params OutputBuffer[] outputs) => Score(row.ToArray(), 1, outputs);

    /// <summary>How many graph nodes a call that fetches <paramref name="outputs"/> runs (for tests).</summary>
    internal int NodesRunFor(params string[] outputs)
    {
        Session(outputs);
        return PrunedModel(outputs).Graph.Node.Count;
    }

    private InferenceSession Session(string[] outputs)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        string key = string.Join('\n', outputs.Order(StringComparer.Ordinal));
        return sessions.GetOrAdd(key, _ => new Lazy<InferenceSession>(() => CreateSession(outputs))).Value;
    }

    private ModelProto PrunedModel(string[] outputs)
    {
        var model = ModelProto.Parser.ParseFrom(batchedModel);
        var wanted = outputs.ToHashSet(StringComparer.Ordinal);
        foreach (var output in model.Graph.Output.Where(o => !wanted.Contains(o.Name)).ToList())
            model.Graph.Output.Remove(output);
        OnnxModelEditing.Prune(model.Graph);
        return model;
    }

    private InferenceSession CreateSession(string[] outputs)
    {
        var model = PrunedModel(outputs);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // ONNX Runtime's default counts physical cores, which on a VM with hyper-threaded vCPUs can be half of them.
            IntraOpNumThreads = Environment.ProcessorCount,
        };
        return new InferenceSession(model.ToByteArray(), options);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var session in sessions.Values.Where(s => s.IsValueCreated)) session.Value.Dispose();
        runOptions.Dispose();
    }
}
