namespace MLNet.Autoencoders;

/// <summary>What one epoch of training achieved; delivered to <see cref="AutoencoderOptionsBase.EpochCallback"/>,
/// written to <c>MLContext.Log</c>, and kept in <see cref="AutoencoderTransformer.TrainingHistory"/>.
/// A VAE delivers the richer <see cref="VaeEpochReport"/>.</summary>
public class EpochReport
{
    /// <summary>The stage name of ordinary (end-to-end) training.</summary>
    public const string TrainingStage = "training";

    /// <summary>The stage name of training continued from a fitted model (the estimators' <c>Fit(data, initialModel)</c>).</summary>
    public const string ContinuedTrainingStage = "continued training";

    /// <summary>Creates a report.</summary>
    public EpochReport(int epoch, int totalEpochs, double trainLoss, double? validationLoss, TimeSpan elapsed, bool isBest, string stage = TrainingStage)
    {
        Stage = stage;
        Epoch = epoch;
        TotalEpochs = totalEpochs;
        TrainLoss = trainLoss;
        ValidationLoss = validationLoss;
        Elapsed = elapsed;
        IsBest = isBest;
    }

    /// <summary>What was trained: <see cref="TrainingStage"/> for the whole autoencoder (end to end, or fine-tuning after
    /// pretraining), "pretraining layer k" for greedy layer-wise pretraining of layer k (1-based), or
    /// <see cref="ContinuedTrainingStage"/> for epochs that continued a fitted model.</summary>
    public string Stage { get; }

    /// <summary>One-based epoch number within its stage.</summary>
    public int Epoch { get; }

    /// <summary>The number of epochs requested for this stage (training may stop earlier when early stopping is on).</summary>
    public int TotalEpochs { get; }

    /// <summary>Mean training loss over the epoch's rows: per input value for an autoencoder (as its loss option defines it);
    /// per row, in nats, for a VAE (reconstruction term + beta × KL).</summary>
    public double TrainLoss { get; }

    /// <summary>Mean loss on the held-out validation rows after the epoch; null when no validation fraction is set.</summary>
    public double? ValidationLoss { get; }

    /// <summary>Wall-clock time the epoch's training steps took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when this epoch's weights are the ones the model keeps (the best validation loss so far,
    /// or the last epoch when there is no validation set).</summary>
    public bool IsBest { get; }

    /// <inheritdoc />
    public override string ToString() =>
        (Stage == TrainingStage ? "" : Stage + ", ") + $"epoch {Epoch}/{TotalEpochs}: train loss {TrainLoss:G5}" +
        (ValidationLoss is double v ? $", validation loss {v:G5}" : "") +
        $", {Elapsed.TotalSeconds:F2} s" + (IsBest && ValidationLoss.HasValue ? " (best)" : "");
}
