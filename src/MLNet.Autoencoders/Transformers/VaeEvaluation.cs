namespace MLNet.Autoencoders;

/// <summary>
/// How well a VAE models a data set, per row in nats (natural-log units): the two ELBO terms, the ELBO, and an
/// importance-weighted estimate of log p(x) (Burda et al. 2016), which is a tighter lower bound than the ELBO. Higher
/// (less negative) ELBO and log-likelihood are better. From <see cref="VaeTransformer.Evaluate"/>.
/// </summary>
public sealed class VaeEvaluation
{
    internal VaeEvaluation(int rows, double reconstructionTerm, double klDivergence, double importanceWeightedLogLikelihood, int importanceSamples)
    {
        Rows = rows;
        ReconstructionTerm = reconstructionTerm;
        KlDivergence = klDivergence;
        ImportanceWeightedLogLikelihood = importanceWeightedLogLikelihood;
        ImportanceSamples = importanceSamples;
    }

    /// <summary>Rows evaluated.</summary>
    public int Rows { get; }

    /// <summary>Mean −log p(x|z) with one z drawn from q(z|x) per row.</summary>
    public double ReconstructionTerm { get; }

    /// <summary>Mean KL(q(z|x) ‖ N(0, I)), in closed form.</summary>
    public double KlDivergence { get; }

    /// <summary>Mean ELBO: −(<see cref="ReconstructionTerm"/> + <see cref="KlDivergence"/>). A lower bound on log p(x).</summary>
    public double Elbo => -(ReconstructionTerm + KlDivergence);

    /// <summary>Mean importance-weighted lower bound on log p(x) with <see cref="ImportanceSamples"/> draws per row:
    /// log (1/K) Σ p(x, z_k) / q(z_k|x). It is at least the ELBO in expectation and approaches log p(x) as K grows.</summary>
    public double ImportanceWeightedLogLikelihood { get; }

    /// <summary>K, the draws per row behind <see cref="ImportanceWeightedLogLikelihood"/>.</summary>
    public int ImportanceSamples { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"ELBO {Elbo:F2} nats (reconstruction {ReconstructionTerm:F2}, KL {KlDivergence:F2}); IWAE log p(x) ≥ {ImportanceWeightedLogLikelihood:F2} (K = {ImportanceSamples}) over {Rows} rows";
}
