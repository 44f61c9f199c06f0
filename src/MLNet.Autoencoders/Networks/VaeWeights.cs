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
}
