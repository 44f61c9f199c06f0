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
/// <c>mlContext.Transforms.Autoencoder(...)</c>; <see cref="Fit(IDataView)"/> trains with TorchSharp and returns an
/// <see cref="AutoencoderTransformer"/> that adds the latent column.
/// </summary>
/// <remarks>
/// <para>Input: a known-size vector of Single. Output: a known-size vector of Single of length
/// <see cref="AutoencoderOptionsBase.LatentDimension"/>, and optionally the reconstruction and the reconstruction error.</para>
/// <para>Training reads the input column once into memory. Progress (train and validation loss, epoch time) goes to
/// <c>MLContext.Log</c> and to <see cref="AutoencoderOptionsBase.EpochCallback"/>.</para>
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
        public const int ShuffleBufferRows = 8192;
        public const int CheckpointInterval = 1;
    }

    private readonly TransformsCatalog transforms;
    private readonly IHost host;
    private readonly AutoencoderOptions options;
    private readonly Corruption? corruption;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.Autoencoder(options)</c>.</summary>
    /// <param name="mlContext">Supplies the seed (when <see cref="AutoencoderOptionsBase.Seed"/> is null) and the log.</param>
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
        OptionsValidation.ValidateShared(o, o.ReconstructionErrorColumnName);
        if (!Enum.IsDefined(o.Loss)) throw new ArgumentOutOfRangeException(nameof(o.Loss), o.Loss, "Unknown loss.");
        if (!Enum.IsDefined(o.OutputActivation)) throw new ArgumentOutOfRangeException(nameof(o.OutputActivation), o.OutputActivation, "Unknown output activation.");
        if (o.Loss == ReconstructionLoss.BinaryCrossEntropy && o.OutputActivation == OutputActivation.Identity)
            throw new ArgumentException("BinaryCrossEntropy needs a sigmoid output; set OutputActivation to Auto or Sigmoid.", nameof(o.OutputActivation));
        if (!Enum.IsDefined(o.Pretraining)) throw new ArgumentOutOfRangeException(nameof(o.Pretraining), o.Pretraining, "Unknown pretraining.");
        if (o.Pretraining == Pretraining.GreedyLayerWise && o.StreamTrainingData)
            throw new ArgumentException("Greedy layer-wise pretraining encodes every row at each layer, so it needs the rows in memory; it cannot be combined with StreamTrainingData.", nameof(o.Pretraining));
        if (o.Pretraining == Pretraining.GreedyLayerWise && o.Convolution is not null)
            throw new ArgumentException("Greedy layer-wise pretraining is for fully connected layers; it cannot be combined with Convolution.", nameof(o.Pretraining));
        if (o.PretrainingEpochsPerLayer <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.PretrainingEpochsPerLayer), o.PretrainingEpochsPerLayer, "PretrainingEpochsPerLayer must be at least 1.");
        return o.Clone();
    }

    private string InputColumnName => options.InputColumnName ?? options.OutputColumnName;

    /// <summary>Trains the autoencoder on the input column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, not a known-size vector of Single, or too small for the latent size.</exception>
    /// <exception cref="InvalidOperationException">The data is empty, holds NaN or infinity, is outside [0, 1] under binary cross-entropy, or training diverged.</exception>
    public AutoencoderTransformer Fit(IDataView input) => Fit(input, null, nameof(input));

    /// <summary>
    /// Continues training <paramref name="initialModel"/> (warm start), as ML.NET's linear trainers' <c>Fit(trainData,
    /// modelParameters)</c> do: for more epochs, or on new rows. The network starts from its weights instead of a seeded
    /// initialisation and trains <see cref="AutoencoderOptionsBase.Epochs"/> more epochs with these options; greedy
    /// pretraining is skipped; Adam's moment estimates start afresh (a fitted model does not carry them). The new model's
    /// <see cref="AutoencoderTransformer.TrainingHistory"/> is the earlier history followed by the new epochs, whose stage is
    /// <see cref="EpochReport.ContinuedTrainingStage"/>. Works on a transformer from <see cref="AutoencoderTransformer.Load(MLContext, string, string?)"/>.
    /// </summary>
    /// <param name="input">The rows to train on (the same input column and size as the model's).</param>
    /// <param name="initialModel">A fitted autoencoder of the same architecture as these options give for <paramref name="input"/>
    /// (layer sizes, activations, output function, tied weights, convolution; an <see cref="OutputActivation.Auto"/> output takes the model's).</param>
    /// <exception cref="ArgumentException">The architectures differ; the message gives both.</exception>
    public AutoencoderTransformer Fit(IDataView input, AutoencoderTransformer initialModel)
    {
        ArgumentNullException.ThrowIfNull(initialModel);
        return Fit(input, initialModel, nameof(input));
    }

    private AutoencoderTransformer Fit(IDataView input, AutoencoderTransformer? initialModel, string inputName)
    {
        ArgumentNullException.ThrowIfNull(input, inputName);
        int inputSize = FeatureColumn.GetVectorSize(input.Schema, InputColumnName);
        if (options.LatentDimension >= inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.LatentDimension),
                $"LatentDimension is {options.LatentDimension}, but column '{InputColumnName}' has only {inputSize} features: the latent must be smaller than the input.");

        using var channel = host.Start("Autoencoder training");
        int seed = options.Seed ?? host.Rand.Next();
        var data = TrainingSource.Open(input, InputColumnName, inputSize, options, seed, CheckAlive);
        var (min, max) = data.Range;
        bool unitRange = min >= 0 && max <= 1;
        if (options.Loss == ReconstructionLoss.BinaryCrossEntropy && !unitRange)
            throw new InvalidOperationException(
                $"Column '{InputColumnName}' has values in [{min}, {max}], but BinaryCrossEntropy needs data in [0, 1]. Normalize it first (mlContext.Transforms.NormalizeMinMax) or use MeanSquaredError.");
        var outputActivation = options.OutputActivation switch
        {
            OutputActivation.Auto when initialModel is not null => initialModel.Weights.Architecture.OutputActivation,
            OutputActivation.Auto => options.Loss == ReconstructionLoss.BinaryCrossEntropy || unitRange ? OutputActivation.Sigmoid : OutputActivation.Identity,
            var explicitChoice => explicitChoice,
        };
        var convolution = OptionsValidation.ConvolutionFor(options.Convolution, InputColumnName, inputSize);
        var architecture = new MlpArchitecture([inputSize, .. options.HiddenLayerSizes, options.LatentDimension], options.Activation, outputActivation, options.TiedWeights, convolution);
        if (initialModel is not null && initialModel.Weights.Architecture.Describe() != architecture.Describe())
            throw new ArgumentException(
                $"The model to continue from is a {initialModel.Weights.Architecture.Describe()} autoencoder, but these options and column '{InputColumnName}' " +
                $"give {architecture.Describe()}: training can only continue with the same architecture.", nameof(initialModel));
        var settings = new TrainingSettings(options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay,
            options.ValidationFraction, options.EarlyStoppingPatience, seed, options.NumberOfThreads, options.Loss,
            options.Pretraining, options.PretrainingEpochsPerLayer);

        channel.Info(MessageSensitivity.None,
            $"Training a {(convolution is null ? "" : convolution + " → ")}{string.Join("-", architecture.LayerSizes)} autoencoder on {data.Rows} rows of column '{InputColumnName}' ({options.Loss}, {outputActivation} output{(options.TiedWeights ? ", tied weights" : "")}" +
            (corruption is null ? "" : $", denoising {corruption}") +
            (options.Pretraining == Pretraining.GreedyLayerWise && initialModel is null ? $", greedy pretraining {options.PretrainingEpochsPerLayer} epochs per layer" : "") +
            (initialModel is null ? "" : $", continuing a fitted model after its {initialModel.TrainingHistory.Count} recorded epochs") + ").");
        var result = MlpTrainer.Train(data.OpenRows, architecture, settings, corruption, report =>
        {
            channel.Info(MessageSensitivity.None, report.ToString());
            options.EpochCallback?.Invoke(report);
        }, CheckAlive, initialModel?.Weights, Checkpoints(corruption is null ? "Autoencoder" : "DenoisingAutoencoder",
            $"{architecture.Describe()}; {data.Rows} rows; loss {options.Loss}; {Fingerprint(options, seed)}; pretraining {options.Pretraining} " +
            $"({options.PretrainingEpochsPerLayer} epochs per layer); corruption {corruption?.ToString() ?? "none"}; {(initialModel is null ? "from scratch" : "continued")}"));

        var history = initialModel is null ? result.History : [.. initialModel.TrainingHistory, .. result.History];
        var info = AutoencoderModelInfo.Describe(options, InputColumnName, architecture.LayerSizes, convolution, seed, (int)Math.Min(data.Rows, int.MaxValue), result.BestEpoch, history) with
        {
            Kind = corruption is null ? "Autoencoder" : "DenoisingAutoencoder",
            Corruption = corruption?.ToString(),
            Pretraining = options.Pretraining,
            PretrainingEpochsPerLayer = options.PretrainingEpochsPerLayer,
            ReconstructionErrorColumn = options.ReconstructionErrorColumnName,
            OutputActivation = architecture.OutputActivation,
            TiedWeights = architecture.TiedWeights,
            Loss = options.Loss,
        };
        return new AutoencoderTransformer(transforms, info, result.Weights);
    }

    private CheckpointSettings? Checkpoints(string kind, string fingerprint) =>
        options.CheckpointPath is null && options.ResumeFromCheckpoint is null ? null
            : new CheckpointSettings(kind, fingerprint, options.CheckpointPath, options.CheckpointInterval, options.ResumeFromCheckpoint);

    /// <summary>The settings every kind's checkpoint must match to be resumed (not <see cref="AutoencoderOptionsBase.Epochs"/>,
    /// which may grow, nor the thread count, which the caller keeps the same for identical results).</summary>
    internal static string Fingerprint(AutoencoderOptionsBase options, int seed) =>
        FormattableString.Invariant($"batch {options.BatchSize}; learning rate {options.LearningRate:R}; weight decay {options.WeightDecay:R}; ") +
        FormattableString.Invariant($"validation {options.ValidationFraction:R}, patience {options.EarlyStoppingPatience}; seed {seed}; ") +
        (options.StreamTrainingData ? $"streamed through {options.ShuffleBufferRows} rows" : "in memory");

    // Checked between batches: ML.NET 5.0.1 offers no public way to cancel a Fit, so the options carry a token.
    private void CheckAlive()
    {
        if (options.CancellationToken.IsCancellationRequested)
            throw new OperationCanceledException("Autoencoder training was canceled.", options.CancellationToken);
    }

    /// <summary>The schema after fitting: the input's columns plus the latent (and the optional columns).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        AddedColumnShapes.Append(transforms, inputSchema, InputColumnName, "the autoencoder",
            new[] { options.OutputColumnName, options.ReconstructionColumnName, options.ReconstructionErrorColumnName }.OfType<string>().ToArray());
}
