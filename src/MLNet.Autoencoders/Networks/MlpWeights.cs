namespace MLNet.Autoencoders.Networks;

/// <summary>
/// The learned values of an MLP autoencoder as plain arrays: what goes into the ONNX graph and comes back out of it.
/// Weights are row-major [out, in] (torch's layout). Decoder arrays are indexed from the latent outwards.
/// </summary>
internal sealed class MlpWeights
{
    public MlpWeights(MlpArchitecture architecture)
    {
        Architecture = architecture;
        int n = architecture.LayerCount;
        EncoderWeights = new float[n][];
        EncoderBiases = new float[n][];
        DecoderWeights = new float[n][];
        DecoderBiases = new float[n][];
    }

    public MlpArchitecture Architecture { get; }
    public float[][] EncoderWeights { get; }
    public float[][] EncoderBiases { get; }
    /// <summary>Entries stay null when the weights are tied.</summary>
    public float[][] DecoderWeights { get; }
    public float[][] DecoderBiases { get; }
    /// <summary>The convolutional front's kernels, or null for a plain MLP.</summary>
    public ConvolutionWeights? Convolution { get; set; }
}
