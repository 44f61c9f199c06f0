namespace MLNet.Autoencoders.Networks;

/// <summary>
/// The learned values of an MLP VAE as plain arrays, row-major [out, in] (torch's layout): the encoder's hidden layers
/// from the input, the two heads, and the decoder's layers from the latent outwards (one more than the hidden layers).
/// </summary>
internal sealed class VaeWeights
{
    public VaeWeights(VaeArchitecture architecture)
    {
        Architecture = architecture;
        int hidden = architecture.HiddenCount;
        EncoderWeights = new float[hidden][];
        EncoderBiases = new float[hidden][];
        DecoderWeights = new float[hidden + 1][];
        DecoderBiases = new float[hidden + 1][];
    }

    public VaeArchitecture Architecture { get; }
    public float[][] EncoderWeights { get; }
    public float[][] EncoderBiases { get; }
    public float[] MeanWeight { get; set; } = [];
    public float[] MeanBias { get; set; } = [];
    public float[] LogVarianceWeight { get; set; } = [];
    public float[] LogVarianceBias { get; set; } = [];
    public float[][] DecoderWeights { get; }
    public float[][] DecoderBiases { get; }
    /// <summary>The convolutional front's kernels, or null for a plain MLP.</summary>
    public ConvolutionWeights? Convolution { get; set; }

    /// <summary>
    /// The deterministic autoencoder inside the VAE (fully connected only): encoder = the hidden layers and the mean head,
    /// decoder = the VAE's decoder, so it encodes a row to its latent mean and decodes as the VAE does (sigmoid output for
    /// the Bernoulli likelihood, linear for the Gaussian). The arrays are shared, not copied.
    /// </summary>
    public MlpWeights MeanAutoencoder()
    {
        if (Convolution is not null) throw new InvalidOperationException("A convolutional VAE has no fully connected autoencoder form.");
        var output = Architecture.Likelihood == VaeLikelihood.Bernoulli ? OutputActivation.Sigmoid : OutputActivation.Identity;
        var weights = new MlpWeights(new MlpArchitecture(Architecture.LayerSizes, Architecture.Activation, output, TiedWeights: false));
        int hidden = Architecture.HiddenCount;
        for (int i = 0; i < hidden; i++)
        {
            weights.EncoderWeights[i] = EncoderWeights[i];
            weights.EncoderBiases[i] = EncoderBiases[i];
        }
        weights.EncoderWeights[hidden] = MeanWeight;
        weights.EncoderBiases[hidden] = MeanBias;
        for (int i = 0; i <= hidden; i++)
        {
            weights.DecoderWeights[i] = DecoderWeights[i];
            weights.DecoderBiases[i] = DecoderBiases[i];
        }
        return weights;
    }
}
