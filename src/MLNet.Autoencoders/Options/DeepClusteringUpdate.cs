namespace MLNet.Autoencoders;

/// <summary>One target update of the deep-clustering phase: delivered to <see cref="DeepClusteringOptions.UpdateCallback"/>,
/// written to <c>MLContext.Log</c> and kept in <see cref="DeepClusteringTransformer.ClusteringHistory"/>.</summary>
/// <param name="Update">1-based number of the update (update 1 is the start: k-means or manifold clusters).</param>
/// <param name="Iteration">Optimisation steps taken before it.</param>
/// <param name="Epoch">1-based pass over the rows in which it happened.</param>
/// <param name="ChangedFraction">Fraction of the rows whose cluster changed since the previous update; null at the first and
/// while the <see cref="DeepClusteringInitialization.Manifold"/> start holds the target (the rows are not re-assigned then:
/// the first update after the hold compares with the start's clusters).</param>
/// <param name="ReconstructionLoss">Mean reconstruction loss (MSE per value) over the steps since the previous update; null at the first.</param>
/// <param name="ClusteringLoss">Mean KL(P ‖ Q) per row over the steps since the previous update; null at the first.</param>
/// <param name="EmptyClusters">Clusters no row is assigned to at this update, or in the held start while the target is held
/// (a cluster may empty during training: it keeps its centre, and rows can come back to it; see the README).</param>
/// <param name="Elapsed">Wall-clock time since the clustering phase began.</param>
public sealed record DeepClusteringUpdate(int Update, int Iteration, int Epoch, double? ChangedFraction, double? ReconstructionLoss,
    double? ClusteringLoss, int EmptyClusters, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"clustering update {Update} (iteration {Iteration}, epoch {Epoch}): " +
        (ChangedFraction is double c ? $"{c:P2} of the assignments changed" : Update == 1 ? "start" : "target held at the start's clusters") +
        (ReconstructionLoss is double r ? $", reconstruction {r:G5}" : "") +
        (ClusteringLoss is double k ? $", KL {k:G5}" : "") +
        (EmptyClusters > 0 ? $", {EmptyClusters} empty cluster(s)" : "") +
        $", {Elapsed.TotalSeconds:F1} s";
}
