using Microsoft.ML;

namespace MLNet.Autoencoders;

/// <summary>Deep clustering on <c>mlContext.Clustering.Trainers</c>.</summary>
public static class DeepClusteringCatalog
{
    /// <summary>
    /// Deep clustering (IDEC): pretrains a d-500-500-2000-10 autoencoder on <paramref name="featureColumnName"/>, starts k
    /// centres with k-means on its latent, then trains encoder, decoder and centres together so the latent separates the
    /// clusters. The fitted model writes <c>PredictedLabel</c> and <c>Score</c> as ML.NET's k-means does, plus the latent.
    /// </summary>
    /// <param name="catalog">The clustering trainers catalog.</param>
    /// <param name="featureColumnName">A known-size vector of Single (pixels best scaled to [0, 1]).</param>
    /// <param name="numberOfClusters">Number of clusters k (default 10).</param>
    /// <param name="pretrainingEpochs">Epochs of autoencoder pretraining (default 50).</param>
    /// <param name="maximumClusteringEpochs">Most epochs of the clustering phase (default 30).</param>
    /// <param name="seed">Seed; null takes it from the MLContext.</param>
    /// <example><code>
    /// var model = mlContext.Clustering.Trainers.DeepClustering("Features", numberOfClusters: 10).Fit(data);
    /// var metrics = mlContext.Clustering.Evaluate(model.Transform(data), labelColumnName: "Label");
    /// </code></example>
    public static DeepClusteringTrainer DeepClustering(this ClusteringCatalog.ClusteringTrainers catalog,
        string featureColumnName = DeepClusteringTrainer.Defaults.FeatureColumnName, int numberOfClusters = DeepClusteringTrainer.Defaults.NumberOfClusters,
        int pretrainingEpochs = DeepClusteringTrainer.Defaults.PretrainingEpochs, int maximumClusteringEpochs = DeepClusteringTrainer.Defaults.MaximumClusteringEpochs,
        int? seed = null)
        => catalog.DeepClustering(new DeepClusteringOptions
        {
            FeatureColumnName = featureColumnName,
            NumberOfClusters = numberOfClusters,
            PretrainingEpochs = pretrainingEpochs,
            MaximumClusteringEpochs = maximumClusteringEpochs,
            Seed = seed,
        });

    /// <summary>Deep clustering configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The clustering trainers catalog.</param>
    /// <param name="options">Columns, autoencoder, pretraining and clustering settings.</param>
    public static DeepClusteringTrainer DeepClustering(this ClusteringCatalog.ClusteringTrainers catalog, DeepClusteringOptions options)
    {
        var (environment, transforms) = MLContextAccess.FromCatalog(catalog);
        return new DeepClusteringTrainer(environment, transforms, catalog, options);
    }
}
