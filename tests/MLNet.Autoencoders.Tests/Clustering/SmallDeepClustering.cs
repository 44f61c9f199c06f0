using Microsoft.ML;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Tests.Clustering;

/// <summary>A tiny deep-clustering setup on a slice of the embedded Fashion-MNIST: fits in about a second.</summary>
internal static class SmallDeepClustering
{
    public static DeepClusteringOptions Options(Action<DeepClusteringOptions>? change = null)
    {
        var options = new DeepClusteringOptions
        {
            NumberOfClusters = 4,
            HiddenLayerSizes = [32],
            LatentDimension = 4,
            PretrainingEpochs = 2,
            MaximumClusteringEpochs = 2,
            UpdateInterval = 3,
            BatchSize = 64,
            KMeansInitializations = 2,
            // One layout keeps these fits at about a second (the default draws three below 10,000 rows); the default's
            // layouts are tested in DeepClusteringOptionTests and ManifoldStartTests.
            ManifoldLayouts = 1,
            Seed = 3,
        };
        change?.Invoke(options);
        return options;
    }

    public static IDataView Data(MLContext mlContext, int rows = 300) => FashionMnist.LoadEmbedded(mlContext, rows);

    public static DeepClusteringTransformer Fit(MLContext mlContext, IDataView data, Action<DeepClusteringOptions>? change = null) =>
        mlContext.Clustering.Trainers.DeepClustering(Options(change)).Fit(data);
}
