using Google.Protobuf;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>Writes one featurizer alone as an ONNX model (the featurizer-only export).</summary>
internal static class FeaturizerOnnxExporter
{
    /// <summary>Metadata key that marks an exported (serving-only) model and says what it holds.</summary>
    public const string ExportKey = "mlnet_autoencoders.export";

    public static void Export(IOnnxExportable featurizer, AutoencoderOnnxExportOptions options, Stream stream) =>
        Build(featurizer, options).WriteTo(stream);

    public static ModelProto Build(IOnnxExportable featurizer, AutoencoderOnnxExportOptions options)
    {
        if (options.OpsetVersion < featurizer.MinimumOpset || options.OpsetVersion > featurizer.MaximumOpset)
            throw new ArgumentOutOfRangeException(nameof(options), options.OpsetVersion,
                $"The {featurizer.ExportName}'s graph can be written at opsets {featurizer.MinimumOpset} to {featurizer.MaximumOpset}, not {options.OpsetVersion}.");
        var wanted = new Dictionary<string, string>();
        foreach (var output in featurizer.ExportOutputs)
        {
            bool include = output.Key switch
            {
                "latent" => options.IncludeLatent,
                "reconstruction" => options.IncludeReconstruction ?? output.ColumnName is not null,
                "reconstruction_error" => options.IncludeReconstructionError ?? output.ColumnName is not null,
                _ => output.ColumnName is not null,
            };
            if (!include) continue;
            string name = output.ColumnName ?? output.DefaultName;
            if (name == featurizer.InputColumnName) name += ".output";
            if (wanted.ContainsValue(name))
                throw new ArgumentException($"Two outputs of the {featurizer.ExportName} would be named '{name}'.", nameof(options));
            wanted.Add(output.Key, name);
        }
        if (wanted.Count == 0)
            throw new ArgumentException($"The export options include no output of the {featurizer.ExportName}: include the latent, the reconstruction or the error.", nameof(options));

        var model = featurizer.BuildInferenceModel(featurizer.InputColumnName, wanted, options.OpsetVersion, options.Batched);
        OnnxModelEditing.Prune(model.Graph);
        // A serving model, not a saved autoencoder: drop the format version (so no loader mistakes it for one), keep the description.
        var info = model.MetadataProps.FirstOrDefault(p => p.Key == AutoencoderOnnxFormat.ModelInfoKey);
        model.MetadataProps.Clear();
        if (info is not null) model.MetadataProps.Add(info);
        model.MetadataProps.Add(new StringStringEntryProto { Key = ExportKey, Value = $"{featurizer.ExportName}: {string.Join(", ", wanted.Values)}" });
        OnnxModelChecker.ThrowIfInvalid(model, $"exported {featurizer.ExportName}");
        return model;
    }
}
