using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Training;

namespace MLNet.Autoencoders;

/// <summary>
/// A variational autoencoder (Kingma &amp; Welling 2014): the encoder gives each row a Gaussian over the latent space
/// (a mean and a log-variance), the decoder rebuilds the row from a draw of it, and training maximises the ELBO —
/// reconstruction likelihood minus the KL divergence to N(0, I). Create it with <c>mlContext.Transforms.Vae(...)</c>;
/// <see cref="Fit(IDataView)"/> trains with TorchSharp and returns a <see cref="VaeTransformer"/> that featurizes, scores and generates.
/// </summary>
/// <remarks>
/// <para>Input: a known-size vector of Single (in [0, 1] for the default Bernoulli likelihood). Output: the latent mean
/// (or a draw, see <see cref="VaeOptions.Output"/>), and optionally the log-variance, the reconstruction and a negative-ELBO score.</para>
/// <para>Progress per epoch (reconstruction term, KL, total, train and validation) goes to <c>MLContext.Log</c> and to
/// <see cref="AutoencoderOptionsBase.EpochCallback"/> as <see cref="VaeEpochReport"/>s.</para>
/// </remarks>
public sealed class VaeEstimator : IEstimator<VaeTransformer>
{
    /// <summary>Default values of <see cref="VaeOptions"/> where they differ from the autoencoder's.</summary>
    internal static class Defaults
    {
        public const int LatentDimension = 20;
        public const int BatchSize = 128;
        public const VaeLikelihood Likelihood = VaeLikelihood.Bernoulli;
        public const double GaussianVariance = 1.0;
        public const double Beta = 1.0;
        public const VaeOutput Output = VaeOutput.Mean;
    }

    private readonly TransformsCatalog transforms;
    private readonly IHost host;
    private readonly VaeOptions options;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.Vae(options)</c>.</summary>
    /// <param name="mlContext">Supplies the seed (when <see cref="AutoencoderOptionsBase.Seed"/> is null) and the log.</param>
    /// <param name="options">What to train; copied, so later changes to it do not affect this estimator.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public VaeEstimator(MLContext mlContext, VaeOptions options)
        : this(mlContext, (mlContext ?? throw new ArgumentNullException(nameof(mlContext))).Transforms, options)
    {
    }

    internal VaeEstimator(IHostEnvironment environment, TransformsCatalog transforms, VaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.transforms = transforms;
        host = environment.Register(nameof(VaeEstimator));
        this.options = Validate(options);
    }

    internal static VaeOptions Validate(VaeOptions o)
    {
        OptionsValidation.ValidateShared(o, o.LogVarianceColumnName, o.ScoreColumnName);
        if (!Enum.IsDefined(o.Likelihood)) throw new ArgumentOutOfRangeException(nameof(o.Likelihood), o.Likelihood, "Unknown likelihood.");
        if (!Enum.IsDefined(o.Output)) throw new ArgumentOutOfRangeException(nameof(o.Output), o.Output, "Unknown output.");
        if (!(o.GaussianVariance > 0) || !double.IsFinite(o.GaussianVariance))
            throw new ArgumentOutOfRangeException(nameof(o.GaussianVariance), o.GaussianVariance, "GaussianVariance must be a positive number.");
        if (!(o.Beta >= 0) || !double.IsFinite(o.Beta))
            throw new ArgumentOutOfRangeException(nameof(o.Beta), o.Beta, "Beta must be 0 or more (1 trains on the ELBO).");
        if (o.KlWarmupEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(o.KlWarmupEpochs), o.KlWarmupEpochs, "KlWarmupEpochs must be 0 (no warm-up) or more.");
        return o.Clone();
    }

    private string InputColumnName => options.InputColumnName ?? options.OutputColumnName;

    /// <summary>Trains the VAE on the input column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, not a known-size vector of Single, or too small for the latent size.</exception>
    /// <exception cref="InvalidOperationException">The column has no rows, non-finite values, values outside [0, 1] for the
    /// Bernoulli likelihood, or training diverged.</exception>
    /// <exception cref="OperationCanceledException"><see cref="AutoencoderOptionsBase.CancellationToken"/> was canceled.</exception>
    public VaeTransformer Fit(IDataView input) => Fit(input, null, nameof(input));

    /// <summary>
    /// Continues training <paramref name="initialModel"/> (warm start) for more epochs or on new rows: the network starts
    /// from its weights, trains <see cref="AutoencoderOptionsBase.Epochs"/> more epochs with these options and no KL warm-up
    /// (the model went through it); Adam's moment estimates start afresh. The new model's history is the earlier one followed
    /// by the new epochs (stage <see cref="EpochReport.ContinuedTrainingStage"/>). Works on a transformer from
    /// <see cref="VaeTransformer.Load(MLContext, string, string?)"/>.
    /// </summary>
    /// <param name="input">The rows to train on.</param>
    /// <param name="initialModel">A fitted VAE of the same architecture (layer sizes, activation, likelihood, variance, convolution).</param>
    /// <exception cref="ArgumentException">The architectures differ; the message gives both.</exception>
    public VaeTransformer Fit(IDataView input, VaeTransformer initialModel)
    {
        ArgumentNullException.ThrowIfNull(initialModel);
        return Fit(input, initialModel, nameof(input));
    }

    private VaeTransformer Fit(IDataView input, VaeTransformer? initialModel, string inputName)
    {
        ArgumentNullException.ThrowIfNull(input, inputName);
        int inputSize = FeatureColumn.GetVectorSize(input.Schema, InputColumnName, "the VAE");
        if (options.LatentDimension >= inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.LatentDimension),
                $"LatentDimension is {options.LatentDimension}, but column '{InputColumnName}' has only {inputSize} features: the latent must be smaller than the input.");

        using var channel = host.Start("VAE training");
        int seed = options.Seed ?? host.Rand.Next();
        var data = TrainingSource.Open(input, InputColumnName, inputSize, options, seed, CheckAlive);
        var (min, max) = data.Range;
        if (options.Likelihood == VaeLikelihood.Bernoulli && !(min >= 0 && max <= 1))
            throw new InvalidOperationException(
                $"Column '{InputColumnName}' has values in [{min}, {max}], but the Bernoulli likelihood needs data in [0, 1]. Normalize it first (mlContext.Transforms.NormalizeMinMax) or use VaeLikelihood.Gaussian.");
        var convolution = OptionsValidation.ConvolutionFor(options.Convolution, InputColumnName, inputSize);
        var architecture = new VaeArchitecture([inputSize, .. options.HiddenLayerSizes, options.LatentDimension], options.Activation, options.Likelihood, options.GaussianVariance, convolution);
        if (initialModel is not null && initialModel.Weights.Architecture.Describe() != architecture.Describe())
            throw new ArgumentException(
                $"The model to continue from is a {initialModel.Weights.Architecture.Describe()} VAE, but these options and column '{InputColumnName}' " +
                $"give {architecture.Describe()}: training can only continue with the same architecture.", nameof(initialModel));
        var settings = new TrainingSettings(options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay,
            options.ValidationFraction, options.EarlyStoppingPatience, seed, options.NumberOfThreads, ReconstructionLoss.MeanSquaredError,
            Pretraining.None, 0);

        channel.Info(MessageSensitivity.None,
            $"Training a {(convolution is null ? "" : convolution + " → ")}{string.Join("-", architecture.LayerSizes)} VAE on {data.Rows} rows of column '{InputColumnName}' ({options.Likelihood} likelihood" +
            (options.Likelihood == VaeLikelihood.Gaussian ? $", variance {options.GaussianVariance}" : "") + $", beta {options.Beta}" +
            (options.KlWarmupEpochs > 0 && initialModel is null ? $", KL warm-up {options.KlWarmupEpochs} epochs" : "") +
            (initialModel is null ? "" : $", continuing a fitted model after its {initialModel.TrainingHistory.Count} recorded epochs") + ").");
        var (weights, history, bestEpoch) = VaeTrainer.Train(data.OpenRows, architecture, settings, new VaeSettings(options.Beta, options.KlWarmupEpochs), report =>
        {
            channel.Info(MessageSensitivity.None, report.ToString());
            options.EpochCallback?.Invoke(report);
        }, CheckAlive, initialModel?.Weights, options.CheckpointPath is null && options.ResumeFromCheckpoint is null ? null
            : new CheckpointSettings("Vae", FormattableString.Invariant(
                $"{architecture.Describe()}; {data.Rows} rows; beta {options.Beta:R}, KL warm-up {options.KlWarmupEpochs}; ") +
                $"{AutoencoderEstimator.Fingerprint(options, seed)}; {(initialModel is null ? "from scratch" : "continued")}",
                options.CheckpointPath, options.CheckpointInterval, options.ResumeFromCheckpoint));

        IReadOnlyList<VaeEpochReport> fullHistory = initialModel is null ? history : [.. initialModel.TrainingHistory, .. history];
        var info = AutoencoderModelInfo.Describe(options, InputColumnName, architecture.LayerSizes, convolution, seed, (int)Math.Min(data.Rows, int.MaxValue), bestEpoch, fullHistory) with
        {
            Kind = AutoencoderModelInfo.VaeKind,
            LogVarianceColumn = options.LogVarianceColumnName,
            ScoreColumn = options.ScoreColumnName,
            OutputActivation = options.Likelihood == VaeLikelihood.Bernoulli ? OutputActivation.Sigmoid : OutputActivation.Identity,
            Likelihood = options.Likelihood,
            GaussianVariance = options.GaussianVariance,
            Beta = options.Beta,
            KlWarmupEpochs = options.KlWarmupEpochs,
            Output = options.Output,
        };
        return new VaeTransformer(transforms, info, weights);
    }

    // Checked between batches: ML.NET 5.0.1 offers no public way to cancel a Fit, so the options carry a token.
    private void CheckAlive()
    {
        if (options.CancellationToken.IsCancellationRequested)
            throw new OperationCanceledException("VAE training was canceled.", options.CancellationToken);
    }

    /// <summary>The schema after fitting: the input's columns plus the latent (and the optional columns).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        AddedColumnShapes.Append(transforms, inputSchema, InputColumnName, "the VAE",
            new[] { options.OutputColumnName, options.LogVarianceColumnName, options.ReconstructionColumnName, options.ScoreColumnName }.OfType<string>().ToArray());
}
