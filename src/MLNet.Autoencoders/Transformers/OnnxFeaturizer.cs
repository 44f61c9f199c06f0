using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Inference;

namespace MLNet.Autoencoders.Transformers;

/// <summary>
/// What every fitted featurizer (autoencoder, VAE) does with its ONNX graph: batched scoring for <c>Transform</c> through
/// ONNX Runtime, and a lazily built ML.NET <c>OnnxTransformer</c> chain for <c>PredictionEngine</c> and <c>Model.Save</c>.
/// The public transformers delegate to it (a public type cannot derive from an internal base).
/// </summary>
internal sealed class OnnxFeaturizer : IDisposable
{
    /// <summary>Suffix of a serving tensor whose column replaces the input column (ONNX forbids an output named like an input).</summary>
    public const string ReplacedColumnSuffix = ".autoencoder";

    private readonly TransformsCatalog transforms;
    private readonly Func<Func<string, string>, byte[]> buildServingModel;
    private readonly string consumer;
    private readonly OnnxBatchScorer scorer;
    private readonly object servingLock = new();
    private ITransformer? serving;
    private string? servingFile;
    private bool disposed;

    /// <param name="transforms">Makes the serving OnnxTransformer.</param>
    /// <param name="outputs">The added columns and the batched tensors that fill them.</param>
    /// <param name="batchedModel">The batched graph ([N, D] input named <paramref name="batchedInput"/>).</param>
    /// <param name="batchedInput">The batched graph's input tensor.</param>
    /// <param name="buildServingModel">Builds the single-row graph whose input is named after the input column and whose
    /// output for each column is named by the given function.</param>
    /// <param name="consumer">The model's name in error messages ("the autoencoder").</param>
    public OnnxFeaturizer(TransformsCatalog transforms, OutputColumns outputs, byte[] batchedModel, string batchedInput,
        Func<Func<string, string>, byte[]> buildServingModel, string consumer)
    {
        this.transforms = transforms;
        this.buildServingModel = buildServingModel;
        this.consumer = consumer;
        Outputs = outputs;
        scorer = new OnnxBatchScorer(batchedModel, batchedInput, outputs.InputSize);
    }

    public OutputColumns Outputs { get; }

    /// <summary>The serving graph's file while the serving transformer exists (tests check it is deleted).</summary>
    internal string? ServingFile => servingFile;

    public OnnxBatchScorer Scorer
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return scorer;
        }
    }

    /// <summary>Scores one row into the named batched outputs after checking its length.</summary>
    public void ScoreOne(ReadOnlySpan<float> row, params OutputBuffer[] outputs)
    {
        if (row.Length != Outputs.InputSize)
            throw new ArgumentException($"The row has {row.Length} values, but {consumer} expects {Outputs.InputSize}.", nameof(row));
        Scorer.ScoreOne(row, outputs);
    }

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return Outputs.AppendTo(inputSchema);
    }

    public IDataView Transform(IDataView input)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        CheckInput(input.Schema);
        return new FeaturizerDataView(input, Outputs, scorer);
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return Serving.GetRowToRowMapper(inputSchema);
    }

    public void Save(ModelSaveContext ctx) => Serving.Save(ctx);

    /// <summary>The ML.NET OnnxTransformer chain that serves the single-row graph (PredictionEngine, Model.Save).</summary>
    public ITransformer ServingTransformer => Serving;

    /// <summary>The serving tensor name of an output column.</summary>
    public string ServingTensor(string column) => column == Outputs.InputColumn ? column + ReplacedColumnSuffix : column;

    /// <summary>The single-row ONNX model as it is saved (graph input and outputs named after the columns).</summary>
    public byte[] GetServingModel() => buildServingModel(ServingTensor);

    private void CheckInput(DataViewSchema schema)
    {
        int size = FeatureColumn.GetVectorSize(schema, Outputs.InputColumn, consumer);
        if (size != Outputs.InputSize)
            throw new ArgumentOutOfRangeException("inputSchema",
                $"Column '{Outputs.InputColumn}' has {size} features, but {consumer} expects {Outputs.InputSize}.");
    }

    private ITransformer Serving
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            lock (servingLock)
                return serving ??= CreateServingTransformer();
        }
    }

    private ITransformer CreateServingTransformer()
    {
        var columns = Outputs.Names.ToArray();
        var tensorNames = columns.Select(ServingTensor).ToArray();
        servingFile = ServingModelFiles.Write(GetServingModel());
        IEstimator<ITransformer> estimator = transforms.ApplyOnnxModel(tensorNames, [Outputs.InputColumn], servingFile);
        var renamed = tensorNames.Zip(columns).Where(p => p.First != p.Second).ToArray();
        if (renamed.Length > 0)
        {
            foreach (var (tensor, column) in renamed)
                estimator = estimator.Append(transforms.CopyColumns(column, tensor));
            estimator = estimator.Append(transforms.DropColumns(renamed.Select(p => p.First).ToArray()));
        }
        // OnnxTransformer reads only the schema while fitting: a view with no rows serves.
        return estimator.Fit(new MatrixDataView([], 0, Outputs.InputSize, Outputs.InputColumn));
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        scorer.Dispose();
        (serving as IDisposable)?.Dispose();
        if (servingFile is not null) ServingModelFiles.Delete(servingFile);
    }
}
