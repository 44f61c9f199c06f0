namespace MLNet.Autoencoders;

/// <summary>What a VAE's output column holds for each row.</summary>
public enum VaeOutput
{
    /// <summary>The mean of q(z|x): deterministic features, what k-means and classifiers should get.</summary>
    Mean,

    /// <summary>A fresh draw z = mean + σ × ε from q(z|x) for every row and every pass. The draws come from a generator
    /// seeded from the model's seed when the transformer is created (or loaded), so a new transformer repeats them.</summary>
    Sample,
}
