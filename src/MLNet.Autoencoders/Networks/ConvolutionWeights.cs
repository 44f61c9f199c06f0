namespace MLNet.Autoencoders.Networks;

/// <summary>The learned kernels and biases of a <see cref="ConvolutionalStack"/> as plain arrays in torch's layouts:
/// convolution kernels [out, in, k, k] from the input; transposed-convolution kernels [in, out, k, k] and biases from the
/// latent side (decoder weights stay null when tied).</summary>
internal sealed class ConvolutionWeights
{
    public ConvolutionWeights(int stages)
    {
        EncoderWeights = new float[stages][];
        EncoderBiases = new float[stages][];
        DecoderWeights = new float[stages][];
        DecoderBiases = new float[stages][];
    }

    public float[][] EncoderWeights { get; }
    public float[][] EncoderBiases { get; }
    public float[]?[] DecoderWeights { get; }
    public float[][] DecoderBiases { get; }
}
