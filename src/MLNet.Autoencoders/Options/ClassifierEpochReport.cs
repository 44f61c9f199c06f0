namespace MLNet.Autoencoders;

/// <summary>Progress of one epoch of an <see cref="AutoencoderClassifierTrainer"/>: the losses on the training rows and the
/// accuracy on the held-out labelled rows.</summary>
public sealed class ClassifierEpochReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="epoch">The epoch, from 1.</param>
    /// <param name="totalEpochs">Epochs planned.</param>
    /// <param name="trainLoss">The minimised loss, mean per step.</param>
    /// <param name="classificationLoss">The cross-entropy on the labelled rows, mean per step.</param>
    /// <param name="validationAccuracy">Accuracy on the held-out labelled rows, or null without them.</param>
    /// <param name="elapsed">Time the epoch took.</param>
    /// <param name="isBest">Whether the model keeps this epoch's weights (so far).</param>
    public ClassifierEpochReport(int epoch, int totalEpochs, double trainLoss, double classificationLoss, double? validationAccuracy, TimeSpan elapsed, bool isBest)
    {
        Epoch = epoch;
        TotalEpochs = totalEpochs;
        TrainLoss = trainLoss;
        ClassificationLoss = classificationLoss;
        ValidationAccuracy = validationAccuracy;
        Elapsed = elapsed;
        IsBest = isBest;
    }

    /// <summary>The epoch, from 1.</summary>
    public int Epoch { get; }

    /// <summary>Epochs planned (early stopping may end training sooner).</summary>
    public int TotalEpochs { get; }

    /// <summary>The loss the optimiser minimised (cross-entropy plus the weighted unsupervised terms), mean per step.</summary>
    public double TrainLoss { get; }

    /// <summary>The cross-entropy on the labelled rows of the batches, mean per step.</summary>
    public double ClassificationLoss { get; }

    /// <summary>Accuracy on the held-out labelled rows (<see cref="AutoencoderClassifierOptions.ValidationFraction"/>), or null.</summary>
    public double? ValidationAccuracy { get; }

    /// <summary>Time the epoch took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Whether the model keeps this epoch's weights (the best validation accuracy so far; always, without validation).</summary>
    public bool IsBest { get; }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"Epoch {Epoch}/{TotalEpochs}: loss {TrainLoss:G5}, cross-entropy {ClassificationLoss:G5}") +
        (ValidationAccuracy is double a ? FormattableString.Invariant($", validation accuracy {a:F4}") : "") +
        FormattableString.Invariant($", {Elapsed.TotalSeconds:F1} s") + (IsBest ? " (best)" : "");
}
