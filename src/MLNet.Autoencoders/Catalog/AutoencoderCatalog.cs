using Microsoft.ML;

namespace MLNet.Autoencoders;

/// <summary>Autoencoder featurizers on <c>mlContext.Transforms</c>.</summary>
public static class AutoencoderCatalog
{
    /// <summary>
    /// Trains an autoencoder and maps <paramref name="inputColumnName"/> to its latent vector in <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">The latent column: a known-size vector of Single of length <paramref name="latentDimension"/>.</param>
    /// <param name="inputColumnName">A known-size vector of Single. Null: the same as <paramref name="outputColumnName"/>.</param>
    /// <param name="latentDimension">Size of the latent vector (default 32).</param>
    /// <param name="hiddenLayerSizes">Encoder hidden layer sizes, mirrored by the decoder. Null: { 512, 256 }.</param>
    /// <param name="loss">Training loss (default mean squared error).</param>
    /// <param name="epochs">Passes over the data (default 20).</param>
    /// <param name="seed">Seed; null takes it from the MLContext.</param>
    /// <example><code>
    /// var pipeline = mlContext.Transforms.NormalizeMinMax("Features")
    ///     .Append(mlContext.Transforms.Autoencoder("Latent", "Features", latentDimension: 32))
    ///     .Append(mlContext.Clustering.Trainers.KMeans("Latent", numberOfClusters: 10));
    /// </code></example>
    public static AutoencoderEstimator Autoencoder(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        int latentDimension = AutoencoderEstimator.Defaults.LatentDimension, int[]? hiddenLayerSizes = null,
        ReconstructionLoss loss = AutoencoderEstimator.Defaults.Loss, int epochs = AutoencoderEstimator.Defaults.Epochs, int? seed = null)
        => catalog.Autoencoder(new AutoencoderOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            LatentDimension = latentDimension,
            HiddenLayerSizes = hiddenLayerSizes ?? (int[])AutoencoderEstimator.Defaults.HiddenLayerSizes.Clone(),
            Loss = loss,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>Trains an autoencoder configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="options">Columns, network, loss and training settings.</param>
    public static AutoencoderEstimator Autoencoder(this TransformsCatalog catalog, AutoencoderOptions options)
        => new(MLContextAccess.FromCatalog(catalog), catalog, options);

    /// <summary>
    /// Trains a denoising autoencoder: it rebuilds clean rows from corrupted copies, so its latent resists noise and its
    /// reconstruction column denoises.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">The latent column.</param>
    /// <param name="inputColumnName">A known-size vector of Single. Null: the same as <paramref name="outputColumnName"/>.</param>
    /// <param name="corruption">How training inputs are corrupted (default Gaussian noise).</param>
    /// <param name="noiseLevel">The Gaussian noise's standard deviation, or the fraction of values masked or set to salt and pepper (default 0.3).</param>
    /// <param name="reconstructionColumnName">Column for the denoised input; null: not produced.</param>
    /// <param name="latentDimension">Size of the latent vector (default 32).</param>
    /// <param name="epochs">Passes over the data (default 20).</param>
    /// <param name="seed">Seed; null takes it from the MLContext.</param>
    public static DenoisingAutoencoderEstimator DenoisingAutoencoder(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        CorruptionKind corruption = DenoisingAutoencoderEstimator.Defaults.Corruption, double noiseLevel = DenoisingAutoencoderEstimator.Defaults.NoiseStandardDeviation,
        string? reconstructionColumnName = null, int latentDimension = AutoencoderEstimator.Defaults.LatentDimension,
        int epochs = AutoencoderEstimator.Defaults.Epochs, int? seed = null)
        => catalog.DenoisingAutoencoder(new DenoisingAutoencoderOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Corruption = corruption,
            NoiseStandardDeviation = noiseLevel,
            CorruptionFraction = corruption == CorruptionKind.Gaussian ? DenoisingAutoencoderEstimator.Defaults.CorruptionFraction : noiseLevel,
            ReconstructionColumnName = reconstructionColumnName,
            LatentDimension = latentDimension,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>Trains a denoising autoencoder configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="options">Columns, network, corruption and training settings.</param>
    public static DenoisingAutoencoderEstimator DenoisingAutoencoder(this TransformsCatalog catalog, DenoisingAutoencoderOptions options)
        => new(MLContextAccess.FromCatalog(catalog), catalog, options);

    /// <summary>
    /// Trains a variational autoencoder and maps <paramref name="inputColumnName"/> to the mean of its latent Gaussian in
    /// <paramref name="outputColumnName"/>. The fitted <see cref="VaeTransformer"/> also generates new rows.
    /// </summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="outputColumnName">The latent column: a known-size vector of Single of length <paramref name="latentDimension"/>.</param>
    /// <param name="inputColumnName">A known-size vector of Single (in [0, 1] for the Bernoulli likelihood). Null: the same as <paramref name="outputColumnName"/>.</param>
    /// <param name="latentDimension">Size of the latent vector (default 20).</param>
    /// <param name="likelihood">Bernoulli (default; data in [0, 1]) or Gaussian.</param>
    /// <param name="beta">Weight on the KL term (default 1: the ELBO).</param>
    /// <param name="epochs">Passes over the data (default 20).</param>
    /// <param name="seed">Seed; null takes it from the MLContext.</param>
    /// <example><code>
    /// var pipeline = mlContext.Transforms.Vae("Latent", "Pixels", latentDimension: 10)
    ///     .Append(mlContext.Clustering.Trainers.KMeans("Latent", numberOfClusters: 10));
    /// </code></example>
    public static VaeEstimator Vae(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        int latentDimension = VaeEstimator.Defaults.LatentDimension, VaeLikelihood likelihood = VaeEstimator.Defaults.Likelihood,
        double beta = VaeEstimator.Defaults.Beta, int epochs = AutoencoderEstimator.Defaults.Epochs, int? seed = null)
        => catalog.Vae(new VaeOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            LatentDimension = latentDimension,
            Likelihood = likelihood,
            Beta = beta,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>Trains a variational autoencoder configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The transform catalog.</param>
    /// <param name="options">Columns, network, likelihood, KL weight and training settings.</param>
    public static VaeEstimator Vae(this TransformsCatalog catalog, VaeOptions options)
        => new(MLContextAccess.FromCatalog(catalog), catalog, options);
}
