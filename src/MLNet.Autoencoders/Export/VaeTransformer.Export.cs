using MLNet.Autoencoders.Export;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders;

// ONNX export of the VAE alone (ExportToOnnx) and its splice point for whole pipelines (IOnnxExportable): the mean path.
public sealed partial class VaeTransformer : IOnnxExportable
{
    private const string LatentKey = "latent", LogVarianceKey = "log_variance", ReconstructionKey = "reconstruction", ScoreKey = "score";

    /// <summary>
    /// Writes the VAE alone as an ONNX model: one float input named after <see cref="InputColumnName"/> and the outputs chosen
    /// in <paramref name="options"/>, each named after its column. The latent output is always the posterior mean (the
    /// deterministic path), also for a VAE whose <see cref="Output"/> is <see cref="VaeOutput.Sample"/>.
    /// <see cref="AutoencoderOnnxExportOptions.IncludeReconstructionError"/> selects the negative-ELBO score column.
    /// </summary>
    /// <param name="stream">Receives the ONNX protobuf; nothing is written when the export fails.</param>
    /// <param name="options">Which outputs, which opset, batched or single-row; null: the fitted outputs, opset 13, batched.</param>
    /// <exception cref="ArgumentException">The options ask for no output, an opset the graph cannot be written at, or give two tensors one name.</exception>
    public void ExportToOnnx(Stream stream, AutoencoderOnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        FeaturizerOnnxExporter.Export(this, options ?? new AutoencoderOnnxExportOptions(), stream);
    }

    string IOnnxExportable.ExportName => "VAE";

    // The score takes the place of the autoencoder's reconstruction error for the featurizer export's options.
    IReadOnlyList<OnnxExportOutput> IOnnxExportable.ExportOutputs =>
    [
        new(LatentKey, OutputColumnName, "Latent", LatentDimension),
        new(LogVarianceKey, LogVarianceColumnName, "LogVariance", LatentDimension),
        new(ReconstructionKey, ReconstructionColumnName, "Reconstruction", InputSize),
        new("reconstruction_error", ScoreColumnName, "NegativeElbo", 1),
    ];

    // MatMul, Add, Sub, Mul, Neg, Abs, Exp, Log, Relu, Sigmoid, Identity, Reshape, Flatten, Conv, ConvTranspose: unchanged
    // in meaning from opset 9 to 17.
    int IOnnxExportable.MinimumOpset => 9;

    int IOnnxExportable.MaximumOpset => 17;

    ModelProto IOnnxExportable.BuildInferenceModel(string inputTensor, IReadOnlyDictionary<string, string> outputTensors, int opset, bool batched)
    {
        string latent = outputTensors.TryGetValue(LatentKey, out var l) ? l : "vae.latent";
        var names = new VaeTensorNames(inputTensor, latent, outputTensors.GetValueOrDefault(LogVarianceKey),
            outputTensors.GetValueOrDefault(ReconstructionKey), outputTensors.GetValueOrDefault("reconstruction_error"));
        var model = VaeOnnxModel.Build(Weights, Info with { Output = VaeOutput.Mean }, names, batched);
        if (!outputTensors.ContainsKey(LatentKey))
            model.Graph.Output.Remove(model.Graph.Output.First(o => o.Name == latent));
        OnnxModelEditing.SetDefaultOpset(model, opset);
        return model;
    }
}
