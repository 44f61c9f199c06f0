using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Autoencoders.Training;

namespace MLNet.Autoencoders;

/// <summary>
/// A denoising autoencoder (Vincent et al. 2008): trained to rebuild each clean row from a corrupted copy of it, with fresh,
/// seeded corruption every batch. At Transform time nothing is corrupted: the latent column holds noise-resistant features
/// and the reconstruction column (when requested) holds the denoised input, so <c>Transform</c> on noisy data cleans it.
/// Create it with <c>mlContext.Transforms.DenoisingAutoencoder(...)</c>; it fits an <see cref="AutoencoderTransformer"/>.
/// </summary>
/// <remarks>With <see cref="AutoencoderOptions.Pretraining"/> = <see cref="Pretraining.GreedyLayerWise"/> it is a stacked
/// denoising autoencoder (Vincent et al. 2010): each layer learns to denoise its own input before fine-tuning.</remarks>
public sealed class DenoisingAutoencoderEstimator : IEstimator<AutoencoderTransformer>
{
    /// <summary>Default values of the corruption options.</summary>
    internal static class Defaults
    {
        public const CorruptionKind Corruption = CorruptionKind.Gaussian;
        public const double NoiseStandardDeviation = 0.3;
        public const double CorruptionFraction = 0.3;
    }

    private readonly AutoencoderEstimator inner;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.DenoisingAutoencoder(options)</c>.</summary>
    /// <param name="mlContext">Supplies the seed (when <see cref="AutoencoderOptionsBase.Seed"/> is null) and the log.</param>
    /// <param name="options">What to train; copied.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public DenoisingAutoencoderEstimator(MLContext mlContext, DenoisingAutoencoderOptions options)
        : this(mlContext, (mlContext ?? throw new ArgumentNullException(nameof(mlContext))).Transforms, options)
    {
    }

    internal DenoisingAutoencoderEstimator(IHostEnvironment environment, TransformsCatalog transforms, DenoisingAutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        inner = new AutoencoderEstimator(environment, transforms, options, Validate(options));
    }

    internal static Corruption Validate(DenoisingAutoencoderOptions o)
    {
        if (!Enum.IsDefined(o.Corruption)) throw new ArgumentOutOfRangeException(nameof(o.Corruption), o.Corruption, "Unknown corruption.");
        if (!(o.NoiseStandardDeviation >= 0) || !double.IsFinite(o.NoiseStandardDeviation))
            throw new ArgumentOutOfRangeException(nameof(o.NoiseStandardDeviation), o.NoiseStandardDeviation, "NoiseStandardDeviation must be 0 or more.");
        if (!(o.CorruptionFraction >= 0 && o.CorruptionFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(o.CorruptionFraction), o.CorruptionFraction, "CorruptionFraction must lie in [0, 1].");
        if (o.ClipMinimum.HasValue != o.ClipMaximum.HasValue)
            throw new ArgumentException("Set both ClipMinimum and ClipMaximum, or neither.", o.ClipMinimum.HasValue ? nameof(o.ClipMaximum) : nameof(o.ClipMinimum));
        if (o.ClipMinimum is float min && o.ClipMaximum is float max && !(min < max))
            throw new ArgumentOutOfRangeException(nameof(o.ClipMinimum), $"ClipMinimum ({min}) must be less than ClipMaximum ({max}).");
        return new Corruption(o.Corruption, o.NoiseStandardDeviation, o.CorruptionFraction, o.ClipMinimum, o.ClipMaximum);
    }

    /// <summary>Trains the denoising autoencoder on the input column of <paramref name="input"/>.</summary>
    /// <inheritdoc cref="AutoencoderEstimator.Fit(IDataView)"/>
    public AutoencoderTransformer Fit(IDataView input) => inner.Fit(input);

    /// <summary>Continues training a fitted (denoising) autoencoder of the same architecture; see
    /// <see cref="AutoencoderEstimator.Fit(IDataView, AutoencoderTransformer)"/>.</summary>
    /// <param name="input">The rows to train on.</param>
    /// <param name="initialModel">The fitted model to continue from.</param>
    /// <exception cref="ArgumentException">The architectures differ; the message gives both.</exception>
    public AutoencoderTransformer Fit(IDataView input, AutoencoderTransformer initialModel) => inner.Fit(input, initialModel);

    /// <summary>The schema after fitting: the input's columns plus the latent (and the optional columns).</summary>
    /// <inheritdoc cref="AutoencoderEstimator.GetOutputSchema(SchemaShape)"/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
}
