using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Training;

namespace MLNet.Autoencoders;

/// <summary>
/// Learns a non-linear, low-dimensional code of a feature vector: an encoder squeezes each row into a latent vector and a
/// decoder rebuilds the row from it, trained (without labels) to make the rebuild as close as it can. Create it with
/// <c>mlContext.Transforms.Autoencoder(...)</c>; <see cref="Fit"/> trains with TorchSharp and returns an
/// <see cref="AutoencoderTransformer"/> that adds the latent column.
/// </summary>
/// <remarks>
/// <para>Input: a known-size vector of Single. Output: a known-size vector of Single of length
/// <see cref="AutoencoderOptions.LatentDimension"/>, and optionally the reconstruction and the reconstruction error.</para>
/// <para>Training reads the input column once into memory. Progress (train and validation loss, epoch time) goes to
/// <c>MLContext.Log</c> and to <see cref="AutoencoderOptions.EpochCallback"/>.</para>
/// </remarks>
public sealed class AutoencoderEstimator : IEstimator<AutoencoderTransformer>
{
    /// <summary>Default values of <see cref="AutoencoderOptions"/>.</summary>
    internal static class Defaults
    {
        public const string OutputColumnName = "Latent";
        public const int LatentDimension = 32;
        public static readonly int[] HiddenLayerSizes = [512, 256];
        public const Activation Activation = MLNet.Autoencoders.Activation.Relu;
        public const ReconstructionLoss Loss = ReconstructionLoss.MeanSquaredError;
        public const OutputActivation OutputActivation = MLNet.Autoencoders.OutputActivation.Auto;
        public const int Epochs = 20;
        public const int BatchSize = 256;
        public const double LearningRate = 1e-3;
        public const int EarlyStoppingPatience = 5;
        public const int PretrainingEpochsPerLayer = 5;
    }

    private readonly TransformsCatalog transforms;
    private readonly IHost host;
    private readonly AutoencoderOptions options;
    private readonly Corruption? corruption;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.Autoencoder(options)</c>.</summary>
    /// <param name="mlContext">Supplies the seed (when <see cref="AutoencoderOptions.Seed"/> is null) and the log.</param>
    /// <param name="options">What to train; copied, so later changes to it do not affect this estimator.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public AutoencoderEstimator(MLContext mlContext, AutoencoderOptions options)
        : this(mlContext, (mlContext ?? throw new ArgumentNullException(nameof(mlContext))).Transforms, options)
    {
    }

    internal AutoencoderEstimator(IHostEnvironment environment, TransformsCatalog transforms, AutoencoderOptions options, Corruption? corruption = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.transforms = transforms;
        host = environment.Register(corruption is null ? nameof(AutoencoderEstimator) : nameof(DenoisingAutoencoderEstimator));
        this.options = Validate(options);
        this.corruption = corruption;
    }

    private static AutoencoderOptions Validate(AutoencoderOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.OutputColumnName))
            throw new ArgumentException("OutputColumnName must name a column.", nameof(o.OutputColumnName));
        if (o.InputColumnName is not null && string.IsNullOrWhiteSpace(o.InputColumnName))
            throw new ArgumentException("InputColumnName must name a column (or be null to use OutputColumnName).", nameof(o.InputColumnName));
        var outputNames = new[] { o.OutputColumnName, o.ReconstructionColumnName, o.ReconstructionErrorColumnName }.OfType<string>().ToArray();
        if (outputNames.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("ReconstructionColumnName and ReconstructionErrorColumnName must be null or name a column.");
        if (outputNames.Distinct().Count() != outputNames.Length)
            throw new ArgumentException($"The output columns must have different names; got {string.Join(", ", outputNames.Select(n => $"'{n}'"))}.");
        if (o.LatentDimension <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.LatentDimension), o.LatentDimension, "LatentDimension must be at least 1.");
        if (o.HiddenLayerSizes is null)
            throw new ArgumentNullException(nameof(o.HiddenLayerSizes), "HiddenLayerSizes must be an array (empty for no hidden layer).");
        if (o.HiddenLayerSizes.Any(s => s <= 0))
            throw new ArgumentOutOfRangeException(nameof(o.HiddenLayerSizes), $"Every hidden layer size must be at least 1; got [{string.Join(", ", o.HiddenLayerSizes)}].");
        if (!Enum.IsDefined(o.Activation)) throw new ArgumentOutOfRangeException(nameof(o.Activation), o.Activation, "Unknown activation.");
        if (!Enum.IsDefined(o.Loss)) throw new ArgumentOutOfRangeException(nameof(o.Loss), o.Loss, "Unknown loss.");
        if (!Enum.IsDefined(o.OutputActivation)) throw new ArgumentOutOfRangeException(nameof(o.OutputActivation), o.OutputActivation, "Unknown output activation.");
        if (o.Loss == ReconstructionLoss.BinaryCrossEntropy && o.OutputActivation == OutputActivation.Identity)
            throw new ArgumentException("BinaryCrossEntropy needs a sigmoid output; set OutputActivation to Auto or Sigmoid.", nameof(o.OutputActivation));
        if (o.Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(o.Epochs), o.Epochs, "Epochs must be at least 1.");
        if (o.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(o.BatchSize), o.BatchSize, "BatchSize must be at least 1.");
        if (!(o.LearningRate > 0) || !double.IsFinite(o.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(o.LearningRate), o.LearningRate, "LearningRate must be a positive number.");
        if (!(o.WeightDecay >= 0) || !double.IsFinite(o.WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(o.WeightDecay), o.WeightDecay, "WeightDecay must be 0 or more.");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(o.ValidationFraction), o.ValidationFraction, "ValidationFraction must lie in [0, 1).");
        if (o.EarlyStoppingPatience <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.EarlyStoppingPatience), o.EarlyStoppingPatience, "EarlyStoppingPatience must be at least 1.");
        if (!Enum.IsDefined(o.Pretraining)) throw new ArgumentOutOfRangeException(nameof(o.Pretraining), o.Pretraining, "Unknown pretraining.");
        if (o.PretrainingEpochsPerLayer <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.PretrainingEpochsPerLayer), o.PretrainingEpochsPerLayer, "PretrainingEpochsPerLayer must be at least 1.");
        if (o.NumberOfThreads is <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.NumberOfThreads), o.NumberOfThreads, "NumberOfThreads must be at least 1 (or null for TorchSharp's default).");
        return new AutoencoderOptions
        {
            OutputColumnName = o.OutputColumnName,
            InputColumnName = o.InputColumnName,
            ReconstructionColumnName = o.ReconstructionColumnName,
            ReconstructionErrorColumnName = o.ReconstructionErrorColumnName,
            LatentDimension = o.LatentDimension,
            HiddenLayerSizes = (int[])o.HiddenLayerSizes.Clone(),
            Activation = o.Activation,
            Loss = o.Loss,
            OutputActivation = o.OutputActivation,
            TiedWeights = o.TiedWeights,
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            WeightDecay = o.WeightDecay,
            ValidationFraction = o.ValidationFraction,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            Seed = o.Seed,
            NumberOfThreads = o.NumberOfThreads,
            Pretraining = o.Pretraining,
            PretrainingEpochsPerLayer = o.PretrainingEpochsPerLayer,
            EpochCallback = o.EpochCallback,
            CancellationToken = o.CancellationToken,
        };
    }

    private string InputColumnName => options.InputColumnName ?? options.OutputColumnName;

    /// <summary>Trains the autoencoder on the input column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, not a known-size vector of Single, or too small for the latent size.</exception>
    /// <exception cref="InvalidOperationException">The data is empty, holds NaN or infinity, is outside [0, 1] under binary cross-entropy, or training diverged.</exception>
    public AutoencoderTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int inputSize = FeatureColumn.GetVectorSize(input.Schema, InputColumnName);
        if (options.LatentDimension >= inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.LatentDimension),
                $"LatentDimension is {options.LatentDimension}, but column '{InputColumnName}' has only {inputSize} features: the latent must be smaller than the input.");

        using var channel = host.Start("Autoencoder training");
        var data = FeatureColumn.Read(input, InputColumnName, inputSize, CheckAlive);
        var (min, max) = data.Range();
        bool unitRange = min >= 0 && max <= 1;
        if (options.Loss == ReconstructionLoss.BinaryCrossEntropy && !unitRange)
            throw new InvalidOperationException(
                $"Column '{InputColumnName}' has values in [{min}, {max}], but BinaryCrossEntropy needs data in [0, 1]. Normalize it first (mlContext.Transforms.NormalizeMinMax) or use MeanSquaredError.");
        var outputActivation = options.OutputActivation switch
        {
            OutputActivation.Auto => options.Loss == ReconstructionLoss.BinaryCrossEntropy || unitRange ? OutputActivation.Sigmoid : OutputActivation.Identity,
            var explicitChoice => explicitChoice,
        };
        var architecture = new MlpArchitecture([inputSize, .. options.HiddenLayerSizes, options.LatentDimension], options.Activation, outputActivation, options.TiedWeights);
        int seed = options.Seed ?? host.Rand.Next();
        var settings = new TrainingSettings(options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay,
            options.ValidationFraction, options.EarlyStoppingPatience, seed, options.NumberOfThreads, options.Loss,
            options.Pretraining, options.PretrainingEpochsPerLayer);

        channel.Info(MessageSensitivity.None,
            $"Training a {string.Join("-", architecture.LayerSizes)} autoencoder on {data.Rows} rows of column '{InputColumnName}' ({options.Loss}, {outputActivation} output{(options.TiedWeights ? ", tied weights" : "")}" +
            (corruption is null ? "" : $", denoising {corruption}") +
            (options.Pretraining == Pretraining.GreedyLayerWise ? $", greedy pretraining {options.PretrainingEpochsPerLayer} epochs per layer" : "") + ").");
        var result = MlpTrainer.Train(data, architecture, settings, corruption, report =>
        {
            channel.Info(MessageSensitivity.None, report.ToString());
            options.EpochCallback?.Invoke(report);
        }, CheckAlive);

        var info = new AutoencoderModelInfo
        {
            Kind = corruption is null ? "Autoencoder" : "DenoisingAutoencoder",
            Corruption = corruption?.ToString(),
            Pretraining = options.Pretraining,
            PretrainingEpochsPerLayer = options.PretrainingEpochsPerLayer,
            InputColumn = InputColumnName,
            LatentColumn = options.OutputColumnName,
            ReconstructionColumn = options.ReconstructionColumnName,
            ReconstructionErrorColumn = options.ReconstructionErrorColumnName,
            LayerSizes = architecture.LayerSizes,
            Activation = architecture.Activation,
            OutputActivation = architecture.OutputActivation,
            TiedWeights = architecture.TiedWeights,
            Loss = options.Loss,
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            WeightDecay = options.WeightDecay,
            ValidationFraction = options.ValidationFraction,
            Seed = seed,
            TrainingRows = data.Rows,
            BestEpoch = result.BestEpoch,
            History = result.History.Select(h => new EpochRecord(h.Epoch, h.TotalEpochs, h.TrainLoss, h.ValidationLoss, h.Elapsed.TotalSeconds, h.IsBest, h.Stage)).ToArray(),
        };
        return new AutoencoderTransformer(transforms, info, result.Weights);
    }

    // Checked between batches: ML.NET 5.0.1 offers no public way to cancel a Fit, so the options carry a token.
    private void CheckAlive()
    {
        if (options.CancellationToken.IsCancellationRequested)
            throw new OperationCanceledException("Autoencoder training was canceled.", options.CancellationToken);
    }

    /// <summary>The schema after fitting: the input's columns plus the latent (and the optional columns).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var matches = inputSchema.Where(c => c.Name == InputColumnName).ToArray();
        if (matches.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Column '{InputColumnName}' is not in the data. Columns present: {string.Join(", ", inputSchema.Select(c => $"'{c.Name}'"))}.");
        var column = matches[^1];
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                column.Kind == SchemaShape.Column.VectorKind.VariableVector
                    ? $"Column '{InputColumnName}' is a variable-size vector; the autoencoder needs a known-size vector of Single."
                    : $"Column '{InputColumnName}' is of type {column.ItemType}{(column.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}; the autoencoder needs a known-size vector of Single.");
        var addedShape = AddedColumnShapes.Describe(transforms, options.OutputColumnName, options.ReconstructionColumnName, options.ReconstructionErrorColumnName);
        var names = addedShape.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(addedShape));
    }
}
