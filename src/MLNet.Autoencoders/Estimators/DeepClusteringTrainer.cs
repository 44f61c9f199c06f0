using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Training;
using TorchSharp;

namespace MLNet.Autoencoders;

/// <summary>
/// Deep clustering (IDEC, Guo et al. 2017): learns a latent space and k clusters in it together. An autoencoder is pretrained
/// (or given), the clusters of its latent's manifold (N2D: k-means on its UMAP layout; or k-means on the latent, as DEC and IDEC) give the
/// starting centres, then encoder, decoder and centres are trained on
/// reconstruction + γ · KL(P ‖ Q), Q being each row's Student's t soft assignment to the centres and P its sharpened target.
/// Create it with <c>mlContext.Clustering.Trainers.DeepClustering(...)</c>; <see cref="Fit"/> returns a
/// <see cref="DeepClusteringTransformer"/> whose output columns are those of ML.NET's k-means (<c>PredictedLabel</c>, <c>Score</c>)
/// plus the latent.
/// </summary>
/// <remarks>
/// <para>Input: a known-size vector of Single without NaN or infinity, read once into memory. Pixels are best scaled to [0, 1].</para>
/// <para>Progress goes to <c>MLContext.Log</c>, to <see cref="DeepClusteringOptions.PretrainingCallback"/> (each pretraining
/// epoch) and to <see cref="DeepClusteringOptions.UpdateCallback"/> (each target update, with the fraction of changed assignments).</para>
/// </remarks>
public sealed class DeepClusteringTrainer : IEstimator<DeepClusteringTransformer>
{
    /// <summary>Default values of <see cref="DeepClusteringOptions"/>.</summary>
    internal static class Defaults
    {
        public const string FeatureColumnName = "Features";
        public const string LatentColumnName = "Latent";
        public const int NumberOfClusters = 10;
        public static readonly int[] HiddenLayerSizes = [500, 500, 2000];
        public const int LatentDimension = 10;
        public const int PretrainingEpochs = 50;
        public const double PretrainingNoiseLevel = 0.2;
        public const int KMeansInitializations = 20;
        public const DeepClusteringInitialization Initialization = DeepClusteringInitialization.Manifold;
        // Null options take these by the number of rows: the small-data values up to SmallDataRows rows (see
        // DeepClusteringOptions.ManifoldNeighbors and ManifoldLayouts).
        public const int ManifoldNeighbors = 20;
        public const int ManifoldLayouts = 1;
        public const int SmallDataRows = 10_000;
        public const int SmallDataNeighbors = 40;
        public const int SmallDataLayouts = 3;
        public const ManifoldRunSelection ManifoldRunSelection = MLNet.Autoencoders.ManifoldRunSelection.LargestModularity;
        public const bool BalancedClusters = false;
        public const double ClusteringLossWeight = 0.1;
        public const double Alpha = 1;
        public const int UpdateInterval = 140;
        public const double Tolerance = 0.001;
        public const int MaximumClusteringEpochs = 30;
        public const int BatchSize = 256;
        public const double LearningRate = 1e-3;
    }

    internal const string Kind = "DeepClustering";

    private readonly IHost host;
    private readonly TransformsCatalog transforms;
    private readonly ClusteringCatalog.ClusteringTrainers trainers;
    private readonly DeepClusteringOptions options;

    /// <summary>Creates the trainer. Prefer <c>mlContext.Clustering.Trainers.DeepClustering(options)</c>.</summary>
    /// <param name="mlContext">Supplies the seed (when <see cref="DeepClusteringOptions.Seed"/> is null) and the log.</param>
    /// <param name="options">What to train; copied, so later changes to it do not affect this trainer.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public DeepClusteringTrainer(MLContext mlContext, DeepClusteringOptions options)
        : this(mlContext, (mlContext ?? throw new ArgumentNullException(nameof(mlContext))).Transforms, mlContext.Clustering.Trainers, options)
    {
    }

    internal DeepClusteringTrainer(IHostEnvironment environment, TransformsCatalog transforms, ClusteringCatalog.ClusteringTrainers trainers, DeepClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        host = environment.Register(nameof(DeepClusteringTrainer));
        this.transforms = transforms;
        this.trainers = trainers;
        this.options = Validate(options);
    }

    private static DeepClusteringOptions Validate(DeepClusteringOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name a column.", nameof(o.FeatureColumnName));
        if (string.IsNullOrWhiteSpace(o.LatentColumnName))
            throw new ArgumentException("LatentColumnName must name a column.", nameof(o.LatentColumnName));
        var outputs = new[] { o.LatentColumnName, o.SoftAssignmentColumnName, DeepClusteringTransformer.PredictedLabelColumnName, DeepClusteringTransformer.ScoreColumnName }.OfType<string>().ToArray();
        if (o.SoftAssignmentColumnName is not null && string.IsNullOrWhiteSpace(o.SoftAssignmentColumnName))
            throw new ArgumentException("SoftAssignmentColumnName must be null or name a column.", nameof(o.SoftAssignmentColumnName));
        if (outputs.Distinct().Count() != outputs.Length)
            throw new ArgumentException($"The output columns must have different names; got {string.Join(", ", outputs.Select(n => $"'{n}'"))}.");
        if (o.NumberOfClusters < 2)
            throw new ArgumentOutOfRangeException(nameof(o.NumberOfClusters), o.NumberOfClusters, "NumberOfClusters must be at least 2.");
        if (o.PretrainedAutoencoder is null)
        {
            if (o.HiddenLayerSizes is null)
                throw new ArgumentNullException(nameof(o.HiddenLayerSizes), "HiddenLayerSizes must be an array (empty for no hidden layer).");
            if (o.HiddenLayerSizes.Any(s => s <= 0))
                throw new ArgumentOutOfRangeException(nameof(o.HiddenLayerSizes), $"Every hidden layer size must be at least 1; got [{string.Join(", ", o.HiddenLayerSizes)}].");
            if (o.LatentDimension <= 0)
                throw new ArgumentOutOfRangeException(nameof(o.LatentDimension), o.LatentDimension, "LatentDimension must be at least 1.");
            if (o.PretrainingEpochs <= 0)
                throw new ArgumentOutOfRangeException(nameof(o.PretrainingEpochs), o.PretrainingEpochs, "PretrainingEpochs must be at least 1.");
            if (o.PretrainingCorruption is CorruptionKind kind && !Enum.IsDefined(kind))
                throw new ArgumentOutOfRangeException(nameof(o.PretrainingCorruption), kind, "Unknown corruption.");
            if (!(o.PretrainingNoiseLevel >= 0 && o.PretrainingNoiseLevel <= 1))
                throw new ArgumentOutOfRangeException(nameof(o.PretrainingNoiseLevel), o.PretrainingNoiseLevel, "PretrainingNoiseLevel must lie in [0, 1].");
        }
        else if (o.PretrainedAutoencoder.Convolution is not null)
            throw new ArgumentException("PretrainedAutoencoder is convolutional; deep clustering starts from a fully connected autoencoder.", nameof(o.PretrainedAutoencoder));
        if (!Enum.IsDefined(o.Initialization))
            throw new ArgumentOutOfRangeException(nameof(o.Initialization), o.Initialization, "Unknown initialization.");
        if (o.ManifoldNeighbors is < 2)
            throw new ArgumentOutOfRangeException(nameof(o.ManifoldNeighbors), o.ManifoldNeighbors, FormattableString.Invariant($"ManifoldNeighbors must be at least 2 (or null: {Defaults.SmallDataNeighbors} up to {Defaults.SmallDataRows:N0} rows, {Defaults.ManifoldNeighbors} above)."));
        if (o.ManifoldLayouts is <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.ManifoldLayouts), o.ManifoldLayouts, FormattableString.Invariant($"ManifoldLayouts must be at least 1 (or null: {Defaults.SmallDataLayouts} layouts up to {Defaults.SmallDataRows:N0} rows, {Defaults.ManifoldLayouts} above)."));
        if (!Enum.IsDefined(o.ManifoldRunSelection))
            throw new ArgumentOutOfRangeException(nameof(o.ManifoldRunSelection), o.ManifoldRunSelection, "Unknown manifold run selection.");
        if (o.KMeansInitializations <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.KMeansInitializations), o.KMeansInitializations, "KMeansInitializations must be at least 1.");
        if (!(o.ClusteringLossWeight > 0) || !double.IsFinite(o.ClusteringLossWeight))
            throw new ArgumentOutOfRangeException(nameof(o.ClusteringLossWeight), o.ClusteringLossWeight, "ClusteringLossWeight must be a positive number.");
        if (!(o.Alpha > 0) || !double.IsFinite(o.Alpha))
            throw new ArgumentOutOfRangeException(nameof(o.Alpha), o.Alpha, "Alpha must be a positive number.");
        if (o.UpdateInterval <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.UpdateInterval), o.UpdateInterval, "UpdateInterval must be at least 1.");
        if (!(o.Tolerance >= 0 && o.Tolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(o.Tolerance), o.Tolerance, "Tolerance must lie in [0, 1).");
        if (o.MaximumClusteringEpochs <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.MaximumClusteringEpochs), o.MaximumClusteringEpochs, "MaximumClusteringEpochs must be at least 1.");
        if (o.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.BatchSize), o.BatchSize, "BatchSize must be at least 1.");
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, "LearningRate must be a positive number.");
        if (o.NumberOfThreads is <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.NumberOfThreads), o.NumberOfThreads, "NumberOfThreads must be at least 1 (or null for TorchSharp's default).");
        return o.Clone();
    }

    /// <summary>Pretrains (unless an autoencoder is given), finds the starting centres and runs the clustering phase.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, not a known-size vector of Single, of another size
    /// than the given autoencoder's input, or too small for the latent.</exception>
    /// <exception cref="InvalidOperationException">The data holds NaN or infinity, has fewer rows than clusters (or fewer distinct
    /// latent rows than clusters), or training diverged.</exception>
    public DeepClusteringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string column = options.FeatureColumnName;
        int inputSize = FeatureColumn.GetVectorSize(input.Schema, column, "deep clustering", nameof(options.FeatureColumnName));
        var pretrained = options.PretrainedAutoencoder;
        if (pretrained is not null && pretrained.InputSize != inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.FeatureColumnName),
                $"Column '{column}' has {inputSize} features, but the pretrained autoencoder expects {pretrained.InputSize}.");
        if (pretrained is null && options.LatentDimension >= inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.LatentDimension),
                $"LatentDimension is {options.LatentDimension}, but column '{column}' has only {inputSize} features: the latent must be smaller than the input.");

        using var channel = host.Start("Deep clustering");
        int seed = options.Seed ?? host.Rand.Next();
        if (options.NumberOfThreads is int threads) torch.set_num_threads(threads);
        var matrix = FeatureColumn.Read(input, column, inputSize, CheckAlive);
        if (matrix.Rows < options.NumberOfClusters)
            throw new InvalidOperationException(
                $"Column '{column}' has {matrix.Rows} rows, but deep clustering needs at least as many rows as clusters (NumberOfClusters is {options.NumberOfClusters}).");

        var autoencoder = pretrained ?? Pretrain(input, seed);
        try
        {
            var info = autoencoder.Info;
            var architecture = info.Architecture;
            channel.Info(MessageSensitivity.None,
                $"Deep clustering of {matrix.Rows} rows of column '{column}' into {options.NumberOfClusters} clusters in the latent of a {string.Join("-", architecture.LayerSizes)} autoencoder " +
                $"(γ {options.ClusteringLossWeight}, α {options.Alpha}, target update every {options.UpdateInterval} iterations, tolerance {options.Tolerance}, at most {options.MaximumClusteringEpochs} epochs, {StartDescription(options, matrix.Rows)}).");
            using var generator = new torch.Generator((ulong)(uint)seed);
            using var network = new MlpAutoencoderNetwork(architecture, generator);
            network.ImportWeights(autoencoder.Weights);
            using var shared = new SharedFeatureTensor(matrix);
            var settings = new IdecSettings(options.NumberOfClusters, options.ClusteringLossWeight, options.Alpha, options.UpdateInterval,
                options.Tolerance, options.MaximumClusteringEpochs, options.BatchSize, options.LearningRate, options.KMeansInitializations,
                unchecked(seed + 1), info.Loss, options.Initialization, ManifoldNeighbors(options, matrix.Rows), ManifoldLayouts(options, matrix.Rows), options.ManifoldRunSelection, options.BalancedClusters);
            var result = IdecTrainer.Train(network, shared.Value, settings, update =>
            {
                channel.Info(MessageSensitivity.None, update.ToString());
                options.UpdateCallback?.Invoke(update);
            }, CheckAlive);
            channel.Info(MessageSensitivity.None, $"Deep clustering stopped {result.StopReason}.");

            var clusteredInfo = info with
            {
                Kind = Kind,
                InputColumn = column,
                LatentColumn = options.LatentColumnName,
                ReconstructionColumn = null,
                ReconstructionErrorColumn = null,
                Seed = seed,
                TrainingRows = matrix.Rows,
                SoftAssignmentColumn = options.SoftAssignmentColumnName,
                Alpha = options.Alpha,
            };
            var encoder = new AutoencoderTransformer(transforms, clusteredInfo, network.ExportWeights());
            return DeepClusteringTransformer.Create(transforms, trainers, encoder, result.Centres, options.NumberOfClusters, result.History, result.StopReason, result.InitialInertia);
        }
        finally
        {
            if (pretrained is null) autoencoder.Dispose();
        }
    }

    private AutoencoderTransformer Pretrain(IDataView input, int seed)
    {
        AutoencoderOptions pretraining = options.PretrainingCorruption is CorruptionKind corruption
            ? new DenoisingAutoencoderOptions
            {
                Corruption = corruption,
                NoiseStandardDeviation = options.PretrainingNoiseLevel,
                CorruptionFraction = options.PretrainingNoiseLevel,
            }
            : new AutoencoderOptions();
        pretraining.InputColumnName = options.FeatureColumnName;
        pretraining.OutputColumnName = options.LatentColumnName;
        pretraining.HiddenLayerSizes = (int[])options.HiddenLayerSizes.Clone();
        pretraining.LatentDimension = options.LatentDimension;
        pretraining.Epochs = options.PretrainingEpochs;
        pretraining.BatchSize = options.BatchSize;
        pretraining.LearningRate = options.LearningRate;
        pretraining.Seed = seed;
        pretraining.NumberOfThreads = options.NumberOfThreads;
        pretraining.EpochCallback = options.PretrainingCallback;
        pretraining.CancellationToken = options.CancellationToken;
        var environment = (IHostEnvironment)host;
        return pretraining is DenoisingAutoencoderOptions denoising
            ? new DenoisingAutoencoderEstimator(environment, transforms, denoising).Fit(input)
            : new AutoencoderEstimator(environment, transforms, pretraining).Fit(input);
    }

    private void CheckAlive()
    {
        if (options.CancellationToken.IsCancellationRequested)
            throw new OperationCanceledException("Deep clustering was canceled.", options.CancellationToken);
    }

    /// <summary>The schema after fitting: the input's columns plus the latent, <c>PredictedLabel</c> (key of k values),
    /// <c>Score</c> (k squared distances) and, when asked for, the soft assignment.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var withLatent = AddedColumnShapes.Append(transforms, inputSchema, options.FeatureColumnName, "deep clustering",
            new[] { options.LatentColumnName, options.SoftAssignmentColumnName }.OfType<string>().ToArray());
        return trainers.KMeans(options.LatentColumnName, numberOfClusters: options.NumberOfClusters).GetOutputSchema(withLatent);
    }

    /// <summary>How many neighbours per row the manifold start's graph has for <paramref name="rows"/> rows: the option, or
    /// when it is null <see cref="Defaults.SmallDataNeighbors"/> up to <see cref="Defaults.SmallDataRows"/> rows and
    /// <see cref="Defaults.ManifoldNeighbors"/> above.</summary>
    internal static int ManifoldNeighbors(DeepClusteringOptions options, long rows) =>
        options.ManifoldNeighbors ?? (rows <= Defaults.SmallDataRows ? Defaults.SmallDataNeighbors : Defaults.ManifoldNeighbors);

    /// <summary>How many layouts the manifold start draws for <paramref name="rows"/> rows: the option, or when it is null
    /// <see cref="Defaults.SmallDataLayouts"/> up to <see cref="Defaults.SmallDataRows"/> rows and
    /// <see cref="Defaults.ManifoldLayouts"/> above.</summary>
    internal static int ManifoldLayouts(DeepClusteringOptions options, long rows) =>
        options.ManifoldLayouts ?? (rows <= Defaults.SmallDataRows ? Defaults.SmallDataLayouts : Defaults.ManifoldLayouts);

    /// <summary>The start as the log names it, e.g. "manifold start (20 neighbours, 1 layout, LargestModularity run, target held 10 epochs)".</summary>
    private static string StartDescription(DeepClusteringOptions options, long rows)
    {
        if (options.Initialization != DeepClusteringInitialization.Manifold) return "k-means start";
        int layouts = ManifoldLayouts(options, rows);
        return $"manifold start ({ManifoldNeighbors(options, rows)} neighbours, {layouts} layout{(layouts == 1 ? "" : "s")}, {options.ManifoldRunSelection} run{(options.BalancedClusters ? ", equal sizes" : "")}, " +
            $"target held {IdecTrainer.HeldEpochs(options.MaximumClusteringEpochs)} epochs)";
    }
}
