namespace MLNet.Autoencoders;

/// <summary>
/// One VAE epoch: the two terms of the negative ELBO, each a mean per row in nats, for the training rows and (when a
/// validation fraction is set) the validation rows. <see cref="EpochReport.TrainLoss"/> is what was minimised:
/// reconstruction + <see cref="Beta"/> × KL; <see cref="EpochReport.ValidationLoss"/> uses the final beta, so epochs stay
/// comparable during the KL warm-up.
/// </summary>
public sealed class VaeEpochReport : EpochReport
{
    /// <summary>Creates a report.</summary>
    public VaeEpochReport(int epoch, int totalEpochs, double reconstructionTerm, double klDivergence, double beta, double finalBeta,
        double? validationReconstructionTerm, double? validationKlDivergence, TimeSpan elapsed, bool isBest, string stage = TrainingStage)
        : base(epoch, totalEpochs, reconstructionTerm + beta * klDivergence,
            validationReconstructionTerm is double r && validationKlDivergence is double k ? r + finalBeta * k : null, elapsed, isBest, stage)
    {
        ReconstructionTerm = reconstructionTerm;
        KlDivergence = klDivergence;
        Beta = beta;
        ValidationReconstructionTerm = validationReconstructionTerm;
        ValidationKlDivergence = validationKlDivergence;
    }

    /// <summary>Mean over the epoch's training rows of −log p(x|z) with z drawn from q(z|x), in nats.</summary>
    public double ReconstructionTerm { get; }

    /// <summary>Mean over the epoch's training rows of KL(q(z|x) ‖ N(0, I)), in nats.</summary>
    public double KlDivergence { get; }

    /// <summary>The weight on the KL term at the end of the epoch (below the configured beta during the KL warm-up).</summary>
    public double Beta { get; }

    /// <summary>Training negative ELBO per row: <see cref="ReconstructionTerm"/> + <see cref="KlDivergence"/> (beta = 1).</summary>
    public double NegativeElbo => ReconstructionTerm + KlDivergence;

    /// <summary>Validation reconstruction term per row; null without a validation fraction.</summary>
    public double? ValidationReconstructionTerm { get; }

    /// <summary>Validation KL term per row; null without a validation fraction.</summary>
    public double? ValidationKlDivergence { get; }

    /// <summary>Validation negative ELBO per row; null without a validation fraction.</summary>
    public double? ValidationNegativeElbo => ValidationReconstructionTerm + ValidationKlDivergence;

    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}/{TotalEpochs}: train -ELBO {NegativeElbo:F2} (reconstruction {ReconstructionTerm:F2}, KL {KlDivergence:F2}, beta {Beta:G3})" +
        (ValidationNegativeElbo is double v ? $", validation -ELBO {v:F2} (reconstruction {ValidationReconstructionTerm:F2}, KL {ValidationKlDivergence:F2})" : "") +
        $", {Elapsed.TotalSeconds:F2} s" + (IsBest && ValidationLoss.HasValue ? " (best)" : "");
}
