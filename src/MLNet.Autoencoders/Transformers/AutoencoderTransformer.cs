using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Inference;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Transformers;

namespace MLNet.Autoencoders;

/// <summary>
/// A fitted autoencoder: maps the input column to its latent vector (and, on request, its reconstruction and reconstruction error).
/// </summary>
/// <remarks>
/// <para>The model is an ONNX graph. <see cref="Transform(IDataView)"/> scores rows in batches with ONNX Runtime; a
/// <c>PredictionEngine</c> and <c>mlContext.Model.Save</c> go through ML.NET's own <c>OnnxTransformer</c>, so a saved zip
/// loads with plain <c>mlContext.Model.Load</c> in an application that references only Microsoft.ML and
/// Microsoft.ML.OnnxTransformer. <see cref="Load(MLContext, string, string?)"/> gives this typed transformer back from a zip.</para>
/// <para>The transformer is thread-safe for scoring; dispose it to free its ONNX Runtime sessions.</para>
/// </remarks>
public sealed partial class AutoencoderTransformer : ITransformer, IDisposable
{
    private readonly OnnxFeaturizer featurizer;

    internal AutoencoderTransformer(TransformsCatalog transforms, AutoencoderModelInfo info, MlpWeights weights)
    {
        Info = info;
        Weights = weights;
        var internalNames = OnnxTensorNames.Internal;
        var outputs = new OutputColumns(info.InputColumn, InputSize, new[]
        {
            new OutputColumn(internalNames.Latent, info.LatentColumn, LatentDimension),
            info.ReconstructionColumn is null ? null : new OutputColumn(internalNames.Reconstruction!, info.ReconstructionColumn, InputSize),
            info.ReconstructionErrorColumn is null ? null : new OutputColumn(internalNames.ReconstructionError!, info.ReconstructionErrorColumn, 1),
        }.OfType<OutputColumn>());
        var batched = MlpOnnxModel.ToBytes(MlpOnnxModel.Build(weights, info, internalNames, batched: true));
        featurizer = new OnnxFeaturizer(transforms, outputs, batched, internalNames.Input, tensor => GetServingOnnxModel(tensor), "the autoencoder");
        TrainingHistory = info.History
            .Select(h => h.ToReport())
            .ToArray();
    }

    internal AutoencoderModelInfo Info { get; }

    /// <summary>The batched ONNX Runtime scorer behind Transform (for tests).</summary>
    internal OnnxBatchScorer Scorer => featurizer.Scorer;

    internal string? ServingFile => featurizer.ServingFile;

    internal MlpWeights Weights { get; }

    /// <summary>The input column's name.</summary>
    public string InputColumnName => Info.InputColumn;

    /// <summary>The column that holds the latent vector.</summary>
    public string OutputColumnName => Info.LatentColumn;

    /// <summary>The reconstruction column's name, or null when it is not produced.</summary>
    public string? ReconstructionColumnName => Info.ReconstructionColumn;

    /// <summary>The reconstruction-error column's name, or null when it is not produced.</summary>
    public string? ReconstructionErrorColumnName => Info.ReconstructionErrorColumn;

    /// <summary>Number of values in an input row.</summary>
    public int InputSize => Info.LayerSizes[0];

    /// <summary>Number of values in a latent vector.</summary>
    public int LatentDimension => Info.LayerSizes[^1];

    /// <summary>The encoder's layer sizes: input, hidden layers, latent. The decoder mirrors them.</summary>
    public IReadOnlyList<int> LayerSizes => Info.LayerSizes;

    /// <summary>Whether the decoder uses the transposed encoder weights.</summary>
    public bool TiedWeights => Info.TiedWeights;

    /// <summary>The convolutional front (image shape, channels per stage, kernel, stride), or null for a fully connected autoencoder.
    /// A copy: changing it does not change the model.</summary>
    public ConvolutionOptions? Convolution => Info.Convolution is { } c
        ? new ConvolutionOptions(new ImageShape(c.Channels, c.Height, c.Width)) { Channels = (int[])c.StageChannels.Clone(), KernelSize = c.KernelSize, Stride = c.Stride }
        : null;

    /// <summary>Per-epoch training and validation loss, in the order the epochs ran: pretraining stages first (when
    /// greedy pretraining was on), then the end-to-end epochs (<see cref="EpochReport.Stage"/> tells them apart).</summary>
    public IReadOnlyList<EpochReport> TrainingHistory { get; }

    /// <summary>The end-to-end epoch whose weights the model holds (the best validation epoch under early stopping, else the last).</summary>
    public int BestEpoch => Info.BestEpoch;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>Encodes one row to its latent vector.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float[] Encode(ReadOnlySpan<float> row)
    {
        var latent = new float[LatentDimension];
        ScoreOne(row, latent, null);
        return latent;
    }

    /// <summary>Rebuilds one row from its latent vector: the autoencoder's best guess of the row.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float[] Reconstruct(ReadOnlySpan<float> row)
    {
        var reconstruction = new float[InputSize];
        ScoreOne(row, null, reconstruction);
        return reconstruction;
    }

    /// <summary>The mean squared difference between one row and its reconstruction: an anomaly score.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float ReconstructionError(ReadOnlySpan<float> row)
    {
        var error = new float[1];
        ScoreOne(row, null, null, error);
        return error[0];
    }

    private void ScoreOne(ReadOnlySpan<float> row, float[]? latent, float[]? reconstruction, float[]? error = null)
    {
        var names = OnnxTensorNames.Internal;
        var outputs = new List<OutputBuffer>(1);
        if (latent is not null) outputs.Add(new OutputBuffer(names.Latent, latent, LatentDimension));
        if (reconstruction is not null) outputs.Add(new OutputBuffer(names.Reconstruction!, reconstruction, InputSize));
        if (error is not null) outputs.Add(new OutputBuffer(names.ReconstructionError!, error, 1));
        featurizer.ScoreOne(row, outputs.ToArray());
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => featurizer.GetOutputSchema(inputSchema);

    /// <summary>Adds the autoencoder's columns to <paramref name="input"/>. Lazy: rows are scored, a batch at a time, as a cursor reads them.</summary>
    public IDataView Transform(IDataView input) => featurizer.Transform(input);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => featurizer.GetRowToRowMapper(inputSchema);

    /// <summary>Saves the ONNX graph through ML.NET's OnnxTransformer, so the zip loads without this library.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => featurizer.Save(ctx);

    /// <summary>The single-row ONNX model as it is saved (graph input and outputs named after the columns).</summary>
    internal byte[] GetServingOnnxModel() => featurizer.GetServingModel();

    private byte[] GetServingOnnxModel(Func<string, string> tensor)
    {
        var names = new OnnxTensorNames(InputColumnName, tensor(OutputColumnName),
            ReconstructionColumnName is null ? null : tensor(ReconstructionColumnName),
            ReconstructionErrorColumnName is null ? null : tensor(ReconstructionErrorColumnName));
        return MlpOnnxModel.ToSavedBytes(MlpOnnxModel.Build(Weights, Info, names, batched: false));
    }

    /// <summary>Finds the autoencoder in a model zip written by <c>mlContext.Model.Save</c> and gives it back typed.</summary>
    /// <param name="mlContext">The context the loaded transformer will use.</param>
    /// <param name="path">The zip file.</param>
    /// <param name="outputColumnName">Which autoencoder, when the pipeline has several: the one writing this latent column. Null: the first.</param>
    /// <exception cref="InvalidDataException">The file is not a model zip, or it holds no autoencoder (of that name).</exception>
    public static AutoencoderTransformer Load(MLContext mlContext, string path, string? outputColumnName = null)
    {
        using var stream = File.OpenRead(path);
        return Load(mlContext, stream, outputColumnName);
    }

    /// <summary>Finds the autoencoder in a model zip stream and gives it back typed.</summary>
    /// <inheritdoc cref="Load(MLContext, string, string?)"/>
    public static AutoencoderTransformer Load(MLContext mlContext, Stream stream, string? outputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ModelZip.Load(stream, outputColumnName, vae: false, model =>
        {
            var (info, weights) = MlpOnnxModel.Read(model);
            return new AutoencoderTransformer(mlContext.Transforms, info, weights);
        });
    }

    /// <summary>Frees the ONNX Runtime sessions.</summary>
    public void Dispose() => featurizer.Dispose();
}
