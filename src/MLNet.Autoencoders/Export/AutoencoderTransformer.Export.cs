using MLNet.Autoencoders.Export;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders;

// ONNX export of the autoencoder alone (ExportToOnnx) and its splice point for whole pipelines (IOnnxExportable).
public sealed partial class AutoencoderTransformer : IOnnxExportable
{
    private const string LatentKey = "latent", ReconstructionKey = "reconstruction", ErrorKey = "reconstruction_error";

    /// <summary>
    /// Writes the autoencoder alone as an ONNX model: one float input named after <see cref="InputColumnName"/> and the
    /// outputs chosen in <paramref name="options"/>, each named after its column (see <see cref="AutoencoderOnnxExportOptions"/>).
    /// </summary>
    /// <param name="stream">Receives the ONNX protobuf; nothing is written when the export fails.</param>
    /// <param name="options">Which outputs, which opset, batched or single-row; null: the fitted outputs, opset 13, batched.</param>
    /// <exception cref="ArgumentException">The options ask for no output, an opset the graph cannot be written at, or give two tensors one name.</exception>
    /// <remarks>To export a whole fitted pipeline that contains the autoencoder, use
    /// <see cref="AutoencoderOnnxExportExtensions.ConvertToOnnxWithAutoencoders(Microsoft.ML.ModelOperationsCatalog, Microsoft.ML.ITransformer, Microsoft.ML.IDataView, Stream, bool)"/>.</remarks>
    public void ExportToOnnx(Stream stream, AutoencoderOnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        FeaturizerOnnxExporter.Export(this, options ?? new AutoencoderOnnxExportOptions(), stream);
    }

    string IOnnxExportable.ExportName => "autoencoder";

    IReadOnlyList<OnnxExportOutput> IOnnxExportable.ExportOutputs =>
    [
        new(LatentKey, OutputColumnName, "Latent", LatentDimension),
        new(ReconstructionKey, ReconstructionColumnName, "Reconstruction", InputSize),
        new(ErrorKey, ReconstructionErrorColumnName, "ReconstructionError", 1),
    ];

    // The graph uses MatMul, Add, Relu, LeakyRelu, Tanh, Sigmoid, Identity, Transpose, Sub, Mul and ReduceMean with an
    // `axes` attribute: all unchanged in meaning from opset 9 to 17 (opset 18 moved ReduceMean's axes to an input).
    int IOnnxExportable.MinimumOpset => 9;

    int IOnnxExportable.MaximumOpset => 17;

    ModelProto IOnnxExportable.BuildInferenceModel(string inputTensor, IReadOnlyDictionary<string, string> outputTensors, int opset, bool batched)
    {
        // The encoder always runs (the latent feeds the decoder); a latent that is not asked for gets an internal name
        // and leaves the graph's outputs.
        string latent = outputTensors.TryGetValue(LatentKey, out var l) ? l : "encoder.latent";
        var names = new OnnxTensorNames(inputTensor, latent,
            outputTensors.GetValueOrDefault(ReconstructionKey), outputTensors.GetValueOrDefault(ErrorKey));
        var model = MlpOnnxModel.Build(Weights, Info, names, batched);
        if (!outputTensors.ContainsKey(LatentKey))
        {
            var output = model.Graph.Output.First(o => o.Name == latent);
            model.Graph.Output.Remove(output);
        }
        OnnxModelEditing.SetDefaultOpset(model, opset);
        return model;
    }
}
