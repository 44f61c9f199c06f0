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
}
