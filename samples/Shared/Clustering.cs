using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;

namespace MLNet.Autoencoders.Samples;

/// <summary>k-means scored against the true classes.</summary>
internal static class Clustering
{
    public sealed record Result(double Accuracy, double Nmi, double Ari, ITransformer Model);

    /// <summary>Like scikit-learn's KMeans(n_init=10): ten k-means runs from different seeds, keeping the one with the
    /// smallest within-cluster distance, so one unlucky start does not decide a comparison.</summary>
    public static Result BestOfTen(IDataView data, string column, int[] labels, int clusters = 10)
    {
        ITransformer? best = null;
        double bestDistance = double.PositiveInfinity;
        for (int start = 0; start < 10; start++)
        {
            var context = new MLContext(seed: start);
            var model = context.Clustering.Trainers.KMeans(column, numberOfClusters: clusters).Fit(data);
            double distance = context.Clustering.Evaluate(model.Transform(data), featureColumnName: column).AverageDistance;
            if (distance < bestDistance) (best, bestDistance) = (model, distance);
        }
        var predicted = best!.Transform(data).GetColumn<uint>("PredictedLabel").Select(l => (int)l).ToArray();
        return new Result(ClusteringAgreement.Accuracy(labels, predicted), ClusteringAgreement.NormalizedMutualInformation(labels, predicted),
            ClusteringAgreement.AdjustedRandIndex(labels, predicted), best);
    }
}
