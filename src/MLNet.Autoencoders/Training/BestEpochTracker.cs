using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Early stopping for any network: remembers the epoch with the lowest monitored loss and, when validating, a copy of its
/// weights, so training can stop after <c>patience</c> epochs without improvement and end on the best weights.
/// </summary>
internal sealed class BestEpochTracker : IDisposable
{
    private readonly nn.Module module;
    private readonly int patience;
    private readonly bool validating;
    private Dictionary<string, Tensor>? best;
    private double bestLoss = double.PositiveInfinity;
    private int epochsWithoutImprovement;

    public BestEpochTracker(nn.Module module, int patience, bool validating)
    {
        this.module = module;
        this.patience = patience;
        this.validating = validating;
    }

    public int BestEpoch { get; private set; }

    /// <summary>True once <c>patience</c> validation epochs in a row did not improve.</summary>
    public bool ShouldStop => validating && epochsWithoutImprovement >= patience;

    /// <summary>Records an epoch; returns whether its weights are now the kept ones (always, without validation).</summary>
    public bool Update(int epoch, double monitoredLoss)
    {
        bool isBest = !validating || monitoredLoss < bestLoss;
        if (!isBest)
        {
            epochsWithoutImprovement++;
            return false;
        }
        bestLoss = monitoredLoss;
        BestEpoch = epoch;
        epochsWithoutImprovement = 0;
        if (validating) Snapshot();
        return true;
    }

    /// <summary>The best epoch so far, its loss and the epochs since it (what a checkpoint keeps).</summary>
    public (int BestEpoch, double BestLoss, int EpochsWithoutImprovement) Progress => (BestEpoch, bestLoss, epochsWithoutImprovement);

    /// <summary>The kept weights when validating (a checkpoint writes them), else null.</summary>
    public Dictionary<string, Tensor>? BestWeights => best;

    /// <summary>Takes the state of a checkpoint back; the tracker owns <paramref name="bestWeights"/> from then on.</summary>
    public void Restore(int bestEpoch, double bestLoss, int waiting, Dictionary<string, Tensor>? bestWeights)
    {
        Dispose();
        BestEpoch = bestEpoch;
        this.bestLoss = bestLoss;
        epochsWithoutImprovement = waiting;
        best = bestWeights;
    }

    /// <summary>Puts the best epoch's weights back into the network (nothing to do without validation).</summary>
    public void RestoreBest()
    {
        if (best is null) return;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
            parameter.copy_(best[name]);
    }

    private void Snapshot()
    {
        Dispose();
        using var noGrad = no_grad();
        best = module.named_parameters().ToDictionary(p => p.name, p =>
        {
            using var detached = p.parameter.detach();
            return detached.clone().DetachFromDisposeScope();
        });
    }

    public void Dispose()
    {
        if (best is null) return;
        foreach (var t in best.Values) t.Dispose();
        best = null;
    }
}
