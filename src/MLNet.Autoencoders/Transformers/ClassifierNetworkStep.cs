using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Export;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders.Transformers;

/// <summary>
/// The network step of an <see cref="AutoencoderClassifierTransformer"/> seen alone: features → class logits (and the
/// latent). Pipeline ONNX export splices its graph in (<see cref="IOnnxExportable"/>) and lets ML.NET's converter convert
/// the scorer and the column dropping that follow it.
/// </summary>
internal sealed class ClassifierNetworkStep : ITransformer, IOnnxExportable
{
    private const string LogitsKey = "logits", LatentKey = "latent";
    private readonly AutoencoderClassifierTransformer owner;

    public ClassifierNetworkStep(AutoencoderClassifierTransformer owner) => this.owner = owner;

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => owner.Network.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => owner.Network.GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => owner.Network.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => owner.Network.Save(ctx);

    public string ExportName => "autoencoder classifier";

    public string InputColumnName => owner.FeatureColumnName;

    public int InputSize => owner.InputSize;

    public IReadOnlyList<OnnxExportOutput> ExportOutputs =>
    [
        new(LogitsKey, owner.Info.LogitsColumn, "Logits", owner.NumberOfClasses),
        new(LatentKey, owner.LatentColumnName, "Latent", owner.Weights.LatentSize),
    ];

    // MatMul, Add and the hidden activations only: unchanged in meaning from opset 9 to 17.
    public int MinimumOpset => 9;

    public int MaximumOpset => 17;

    public ModelProto BuildInferenceModel(string inputTensor, IReadOnlyDictionary<string, string> outputTensors, int opset, bool batched)
    {
        string logits = outputTensors.TryGetValue(LogitsKey, out var l) ? l : "head.logits";
        var model = ClassifierOnnxModel.Build(owner.Weights, owner.Info, inputTensor, logits, outputTensors.GetValueOrDefault(LatentKey), batched, opset);
        if (!outputTensors.ContainsKey(LogitsKey)) model.Graph.Output.Remove(model.Graph.Output.First(o => o.Name == logits));
        return model;
    }
}
