using System.Collections;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders;

/// <summary>
/// A fitted deep-clustering model: the trained encoder writes the latent column, and ML.NET's own k-means model over the
/// trained centres writes <c>PredictedLabel</c> (a key of k values, 1-based as ML.NET's k-means) and <c>Score</c> (the k
/// squared distances to the centres in the latent space, smaller = closer); optionally the soft assignment Q follows.
/// </summary>
/// <remarks>
/// <para>The model is a short chain (enumerate it to see the steps): the encoder is an <see cref="AutoencoderTransformer"/>
/// (ONNX graph; batched ONNX Runtime scoring in <see cref="Transform"/>, ML.NET's OnnxTransformer in a PredictionEngine and
/// in a saved zip), then a <c>ClusteringPredictionTransformer&lt;KMeansModelParameters&gt;</c> holding exactly the deep-clustering
/// centres, then (when asked for) ML.NET's Expression and L1 normalisation for Q. So everything downstream of ML.NET's k-means
/// works unchanged — <c>mlContext.Clustering.Evaluate</c>, a <c>PredictionEngine</c> with <c>uint PredictedLabel</c> and
/// <c>float[] Score</c> — and <c>mlContext.Model.Save</c> writes an ordinary zip that <c>mlContext.Model.Load</c> serves
/// without TorchSharp or this library. <see cref="Load(MLContext, string, string?)"/> gives this typed transformer back.</para>
/// <para>In an ONNX export (<c>ConvertToOnnxWithAutoencoders</c>) the cluster index is 0-based, as for ML.NET's k-means.
/// The soft-assignment column cannot be exported (ML.NET's converter does not convert its Expression step): export a model
/// fitted without it.</para>
/// </remarks>
public sealed class DeepClusteringTransformer : ITransformer, IEnumerable<ITransformer>, IDisposable
{
    /// <summary>The cluster column, as ML.NET's k-means names it.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The distances column, as ML.NET's k-means names it.</summary>
    public const string ScoreColumnName = "Score";

    private readonly TransformerChain<ITransformer> chain;

    private DeepClusteringTransformer(AutoencoderTransformer encoder, ISingleFeaturePredictionTransformer<object> kMeans,
        ITransformer? softAssignment, IReadOnlyList<DeepClusteringUpdate> history, string? stopReason, double? initialInertia)
    {
        Autoencoder = encoder;
        InitialKMeansInertia = initialInertia;
        KMeansModel = (KMeansModelParameters)kMeans.Model;
        ClusteringHistory = history;
        StopReason = stopReason;
        chain = softAssignment is null ? new TransformerChain<ITransformer>(encoder, kMeans) : new TransformerChain<ITransformer>(encoder, kMeans, softAssignment);
        VBuffer<float>[] centroids = [];
        KMeansModel.GetClusterCentroids(ref centroids, out int k);
        NumberOfClusters = k;
        centres = centroids.Select(c => c.DenseValues().ToArray()).ToArray();
    }

    private readonly float[][] centres;

    /// <summary>Builds the model from the trained encoder and centres (k × L, row-major).</summary>
    internal static DeepClusteringTransformer Create(TransformsCatalog transforms, ClusteringCatalog.ClusteringTrainers trainers,
        AutoencoderTransformer encoder, float[] centres, int k, IReadOnlyList<DeepClusteringUpdate> history, string stopReason, double initialInertia)
    {
        var kMeans = KMeansFromCentres(trainers, encoder.OutputColumnName, centres, k, encoder.LatentDimension);
        return new DeepClusteringTransformer(encoder, kMeans, SoftAssignment(transforms, encoder, k), history, stopReason, initialInertia);
    }

    /// <summary>
    /// ML.NET's k-means model holding exactly <paramref name="centres"/>: ML.NET's k-means fitted on the k centres themselves.
    /// k-means++ cannot pick a row twice (a chosen row is at distance 0 from its centre), so every centre starts on its own
    /// row and stays there. ML.NET may number the clusters in another order; what it holds is checked against the centres.
    /// </summary>
    private static ClusteringPredictionTransformer<KMeansModelParameters> KMeansFromCentres(ClusteringCatalog.ClusteringTrainers trainers,
        string latentColumn, float[] centres, int k, int latentSize)
    {
        var rows = Enumerable.Range(0, k).Select(i => centres.AsSpan(i * latentSize, latentSize).ToArray()).ToArray();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < i; j++)
                if (rows[i].AsSpan().SequenceEqual(rows[j]))
                    throw new InvalidOperationException(
                        $"Deep clustering ended with two identical centres ({j + 1} and {i + 1}): the data has fewer distinct rows than clusters. Use fewer clusters.");
        var view = new MatrixDataView((float[])centres.Clone(), k, latentSize, latentColumn);
        var model = trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = latentColumn,
            NumberOfClusters = k,
            NumberOfThreads = 1,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
        }).Fit(view);
        VBuffer<float>[] held = [];
        model.Model.GetClusterCentroids(ref held, out int heldCount);
        var matched = new bool[k];
        for (int c = 0; c < heldCount; c++)
        {
            var values = held[c].DenseValues().ToArray();
            int match = Array.FindIndex(rows, r => r.AsSpan().SequenceEqual(values));
            if (match < 0 || matched[match])
                throw new InvalidOperationException("ML.NET's k-means did not keep the deep-clustering centres; please report this with the data that caused it.");
            matched[match] = true;
        }
        if (heldCount != k) throw new InvalidOperationException($"ML.NET's k-means kept {heldCount} of the {k} centres.");
        return model;
    }

    /// <summary>Q from the Score column: (1 + d / α)^(−(α+1)/2), normalised to sum 1 (ML.NET's Expression and LpNorm transforms).</summary>
    private static ITransformer? SoftAssignment(TransformsCatalog transforms, AutoencoderTransformer encoder, int k)
    {
        if (encoder.Info.SoftAssignmentColumn is not string column) return null;
        double alpha = encoder.Info.Alpha;
        string kernel = column + ".kernel";
        string expression = string.Format(CultureInfo.InvariantCulture, "d => (1 + d / {0:R}) ^ ({1:R})", alpha, -(alpha + 1) / 2);
        var estimator = transforms.Expression(kernel, expression, ScoreColumnName)
            .Append(transforms.NormalizeLpNorm(column, kernel, LpNormNormalizingEstimatorBase.NormFunction.L1, ensureZeroMean: false))
            .Append(transforms.DropColumns(kernel));
        return estimator.Fit(new MatrixDataView([], 0, k, ScoreColumnName));
    }

    /// <summary>The trained autoencoder: its encoder writes <see cref="LatentColumnName"/>; its decoder can still reconstruct.</summary>
    public AutoencoderTransformer Autoencoder { get; }

    /// <summary>ML.NET's k-means model over the latent whose centroids are the deep-clustering centres.</summary>
    public KMeansModelParameters KMeansModel { get; }

    /// <summary>The input column.</summary>
    public string FeatureColumnName => Autoencoder.InputColumnName;

    /// <summary>The latent column.</summary>
    public string LatentColumnName => Autoencoder.OutputColumnName;

    /// <summary>The soft-assignment column, or null when it is not produced.</summary>
    public string? SoftAssignmentColumnName => Autoencoder.Info.SoftAssignmentColumn;

    /// <summary>The Student's t degrees of freedom of the soft assignment.</summary>
    public double Alpha => Autoencoder.Info.Alpha;

    /// <summary>Number of clusters k.</summary>
    public int NumberOfClusters { get; }

    /// <summary>Number of values in a latent vector.</summary>
    public int LatentDimension => Autoencoder.LatentDimension;

    /// <summary>The cluster centres in the latent space, in the order of the <c>PredictedLabel</c> keys (centre i is key i + 1). A copy.</summary>
    public float[][] GetCentres() => centres.Select(c => (float[])c.Clone()).ToArray();

    /// <summary>The autoencoder's pretraining epochs (empty when it was given).</summary>
    public IReadOnlyList<EpochReport> PretrainingHistory => Autoencoder.TrainingHistory;

    /// <summary>Every target update of the clustering phase, the last being the final state. Empty after <see cref="Load(MLContext, string, string?)"/>.</summary>
    public IReadOnlyList<DeepClusteringUpdate> ClusteringHistory { get; }

    /// <summary>Why the clustering phase stopped (tolerance reached or the maximum number of epochs); null after loading.</summary>
    public string? StopReason { get; }

    /// <summary>The inertia of the start on the pretrained latent, where the clustering phase began: for the
    /// <see cref="DeepClusteringInitialization.KMeans"/> start the best run's sum of squared distances to the nearest centre,
    /// for the <see cref="DeepClusteringInitialization.Manifold"/> start the sum of squared distances of the rows to their own
    /// cluster's mean latent. Null after loading.</summary>
    public double? InitialKMeansInertia { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => chain.GetOutputSchema(inputSchema);

    /// <summary>Adds the latent, <c>PredictedLabel</c>, <c>Score</c> (and Q) columns. Lazy; the encoder scores rows in batches.</summary>
    public IDataView Transform(IDataView input) => chain.Transform(input);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => ((ITransformer)chain).GetRowToRowMapper(inputSchema);

    /// <summary>Saves the chain (encoder as ONNX through ML.NET's OnnxTransformer, then ML.NET's k-means model), so the zip loads without this library.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)chain).Save(ctx);

    /// <summary>The steps: the encoder, ML.NET's k-means model, and the soft-assignment transforms when present.</summary>
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)chain).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Finds the deep-clustering model in a zip written by <c>mlContext.Model.Save</c> and gives it back typed.</summary>
    /// <param name="mlContext">The context the loaded transformer will use.</param>
    /// <param name="path">The zip file.</param>
    /// <param name="latentColumnName">Which model, when the pipeline has several: the one writing this latent column. Null: the first.</param>
    /// <exception cref="InvalidDataException">The file is not a model zip, or it holds no deep-clustering model (of that name).</exception>
    public static DeepClusteringTransformer Load(MLContext mlContext, string path, string? latentColumnName = null)
    {
        using var stream = File.OpenRead(path);
        return Load(mlContext, stream, latentColumnName);
    }

    /// <summary>Finds the deep-clustering model in a model zip stream and gives it back typed.</summary>
    /// <inheritdoc cref="Load(MLContext, string, string?)"/>
    public static DeepClusteringTransformer Load(MLContext mlContext, Stream stream, string? latentColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        bytes.Position = 0;
        var encoder = AutoencoderTransformer.Load(mlContext, bytes, latentColumnName);
        try
        {
            if (encoder.Info.Kind != DeepClusteringTrainer.Kind)
                throw new InvalidDataException(
                    $"The model zip's autoencoder writing '{encoder.OutputColumnName}' is a {encoder.Info.Kind}, not a deep-clustering model.");
            bytes.Position = 0;
            ITransformer loaded;
            try
            {
                loaded = mlContext.Model.Load(bytes, out _);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"The model zip is unreadable: {e.Message}", e);
            }
            // A loaded k-means step is a ClusteringPredictionTransformer over ML.NET's predictor interface, holding KMeansModelParameters.
            var kMeans = Flatten(loaded).OfType<ISingleFeaturePredictionTransformer<object>>()
                .FirstOrDefault(t => t.Model is KMeansModelParameters && t.FeatureColumnName == encoder.OutputColumnName)
                ?? throw new InvalidDataException($"The model zip holds no k-means model over the deep-clustering latent '{encoder.OutputColumnName}'.");
            VBuffer<float>[] centroids = [];
            ((KMeansModelParameters)kMeans.Model).GetClusterCentroids(ref centroids, out int k);
            return new DeepClusteringTransformer(encoder, kMeans, SoftAssignment(mlContext.Transforms, encoder, k), [], null, null);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> inner ? inner.SelectMany(Flatten) : [transformer];

    /// <summary>Frees the encoder's ONNX Runtime sessions.</summary>
    public void Dispose() => Autoencoder.Dispose();
}
