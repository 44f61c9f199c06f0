using System.Collections;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Inference;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Transformers;

namespace MLNet.Autoencoders;

/// <summary>
/// A fitted autoencoder classifier: adds <c>Score</c> (class probabilities, slot names = the label's key values),
/// <c>PredictedLabel</c> (the label's key type) and, on request, the latent.
/// </summary>
/// <remarks>
/// <para>Three steps: the network (an ONNX graph from the features to the class logits, and the latent), ML.NET's own
/// multiclass scorer (softmax, argmax, the label's key type and key values), and dropping the logits column.
/// <see cref="Transform(IDataView)"/> scores the network in batches with ONNX Runtime; <c>PredictionEngine</c> and
/// <c>mlContext.Model.Save</c> use ML.NET's <c>OnnxTransformer</c>, so a saved zip loads with plain
/// <c>mlContext.Model.Load</c> (no TorchSharp, no registration). <see cref="Load(MLContext, string)"/> gives this typed
/// transformer back from a zip.</para>
/// <para>Thread-safe for scoring; dispose it to free its ONNX Runtime sessions.</para>
/// </remarks>
public sealed class AutoencoderClassifierTransformer : ITransformer, IDisposable, IEnumerable<ITransformer>
{
    private readonly OnnxFeaturizer network;
    private readonly ITransformer scorer;
    private readonly ITransformer dropLogits;
    private readonly TransformerChain<ITransformer> serving;
    private readonly ClassifierNetworkStep networkStep;

    internal AutoencoderClassifierTransformer(TransformsCatalog transforms, ClassifierModelInfo info, ClassifierWeights weights, ITransformer scorer)
    {
        Info = info;
        Weights = weights;
        this.scorer = scorer;
        var outputs = new OutputColumns(info.FeatureColumn, weights.InputSize, new[]
        {
            new OutputColumn("logits", info.LogitsColumn, weights.Classes),
            info.LatentColumn is null ? null : new OutputColumn("latent", info.LatentColumn, weights.LatentSize),
        }.OfType<OutputColumn>());
        var batched = ClassifierOnnxModel.ToBytes(ClassifierOnnxModel.Build(weights, info, "input", "logits", info.LatentColumn is null ? null : "latent", batched: true));
        network = new OnnxFeaturizer(transforms, outputs, batched, "input", tensor => MlpOnnxModel.ToSavedBytes(
            ClassifierOnnxModel.Build(weights, info, info.FeatureColumn, tensor(info.LogitsColumn), info.LatentColumn is null ? null : tensor(info.LatentColumn), batched: false)),
            "the autoencoder classifier");
        dropLogits = transforms.DropColumns(info.LogitsColumn).Fit(new MatrixDataView([], 0, weights.Classes, info.LogitsColumn));
        serving = new TransformerChain<ITransformer>(network.ServingTransformer, scorer, dropLogits);
        networkStep = new ClassifierNetworkStep(this);
        TrainingHistory = info.History
            .Select(h => new ClassifierEpochReport(h.Epoch, h.TotalEpochs, h.TrainLoss, h.ClassificationLoss, h.ValidationAccuracy, TimeSpan.FromSeconds(h.Seconds), h.IsBest))
            .ToArray();
    }

    internal ClassifierModelInfo Info { get; }

    internal ClassifierWeights Weights { get; }

    /// <summary>The batched ONNX Runtime scorer of the network (for tests).</summary>
    internal OnnxBatchScorer Scorer => network.Scorer;

    /// <summary>The feature column's name.</summary>
    public string FeatureColumnName => Info.FeatureColumn;

    /// <summary>The label column the model was trained on (its key type is PredictedLabel's).</summary>
    public string LabelColumnName => Info.LabelColumn;

    /// <summary>The latent column's name, or null when the latent is not written.</summary>
    public string? LatentColumnName => Info.LatentColumn;

    /// <summary>Number of classes (the label key's count; the length of Score).</summary>
    public int NumberOfClasses => Weights.Classes;

    /// <summary>Number of values in an input row.</summary>
    public int InputSize => Weights.InputSize;

    /// <summary>The encoder's layer sizes: input, hidden layers, latent.</summary>
    public IReadOnlyList<int> EncoderLayerSizes => Info.EncoderSizes;

    /// <summary>The head's layer sizes: latent, hidden layers, classes.</summary>
    public IReadOnlyList<int> HeadLayerSizes => Info.HeadSizes;

    /// <summary>How the unlabelled rows were used.</summary>
    public SemiSupervisedMethod Method => Info.Method;

    /// <summary>The classifier's epochs (pretraining not included), in the order they ran.</summary>
    public IReadOnlyList<ClassifierEpochReport> TrainingHistory { get; }

    /// <summary>The epoch whose weights the model holds (the best validation accuracy under early stopping, else the last).</summary>
    public int BestEpoch => Info.BestEpoch;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>Class probabilities of one row, in key order.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float[] PredictProbabilities(ReadOnlySpan<float> row)
    {
        var logits = new float[NumberOfClasses];
        network.ScoreOne(row, new OutputBuffer("logits", logits, NumberOfClasses));
        float max = logits.Max();
        double sum = 0;
        for (int k = 0; k < logits.Length; k++) sum += logits[k] = MathF.Exp(logits[k] - max);
        for (int k = 0; k < logits.Length; k++) logits[k] = (float)(logits[k] / sum);
        return logits;
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        network.GetOutputSchema(inputSchema);
        return serving.GetOutputSchema(inputSchema);
    }

    /// <summary>Adds Score, PredictedLabel (and the latent) to <paramref name="input"/>. Lazy: the network scores a batch of rows
    /// at a time as a cursor reads them.</summary>
    public IDataView Transform(IDataView input) => dropLogits.Transform(scorer.Transform(network.Transform(input)));

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        network.GetOutputSchema(inputSchema);
        return ((ITransformer)serving).GetRowToRowMapper(inputSchema);
    }

    /// <summary>Saves the three steps as an ML.NET chain (OnnxTransformer, ML.NET's multiclass scorer, column dropping), so the
    /// zip loads without this library.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)serving).Save(ctx);

    /// <summary>The steps for ONNX export: the network (exportable), ML.NET's scorer and the column dropping.</summary>
    IEnumerator<ITransformer> IEnumerable<ITransformer>.GetEnumerator() => ((IEnumerable<ITransformer>)[networkStep, scorer, dropLogits]).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<ITransformer>)this).GetEnumerator();

    internal OnnxFeaturizer Network => network;

    /// <summary>Finds the autoencoder classifier in a model zip written by <c>mlContext.Model.Save</c> and gives it back typed.</summary>
    /// <param name="mlContext">The context the loaded transformer will use.</param>
    /// <param name="path">The zip file.</param>
    /// <exception cref="InvalidDataException">The file is not a model zip, or it holds no autoencoder classifier.</exception>
    public static AutoencoderClassifierTransformer Load(MLContext mlContext, string path)
    {
        using var stream = File.OpenRead(path);
        return Load(mlContext, stream);
    }

    /// <summary>Finds the autoencoder classifier in a model zip stream (which must be seekable) and gives it back typed.</summary>
    /// <inheritdoc cref="Load(MLContext, string)"/>
    public static AutoencoderClassifierTransformer Load(MLContext mlContext, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.Position;
        var models = ModelZip.FindOnnxModels(stream, ClassifierOnnxModel.IsClassifier);
        if (models.Count == 0)
            throw new InvalidDataException("The model zip holds no autoencoder classifier saved by MLNet.Autoencoders.");
        ClassifierModelInfo info;
        ClassifierWeights weights;
        try
        {
            (info, weights) = ClassifierOnnxModel.Read(models[0]);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"The model zip is unreadable: its autoencoder classifier is damaged. {e.Message}", e);
        }
        stream.Position = start;
        ITransformer loaded;
        try
        {
            loaded = mlContext.Model.Load(stream, out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"The model zip is unreadable: {e.Message}", e);
        }
        var steps = Flatten(loaded).ToList();
        var scorer = steps.FirstOrDefault(t => MLContextAccess.IsSoftmaxScorer(t, info.LogitsColumn));
        // Only the scorer is kept: free the ONNX Runtime sessions of everything else that was loaded.
        foreach (var step in steps.Where(t => !ReferenceEquals(t, scorer)).OfType<IDisposable>()) step.Dispose();
        if (scorer is null) throw new InvalidDataException("The model zip holds the classifier's network but not its scorer.");
        return new AutoencoderClassifierTransformer(mlContext.Transforms, info, weights, scorer);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    /// <summary>Frees the ONNX Runtime sessions.</summary>
    public void Dispose() => network.Dispose();
}
