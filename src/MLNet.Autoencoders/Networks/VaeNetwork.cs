using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Networks;

/// <summary>
/// A fully connected variational autoencoder (Kingma &amp; Welling 2014): input → hidden layers → (mean, log-variance) heads;
/// z = mean + σ × ε; z → mirrored hidden layers → output logits (Bernoulli) or means (Gaussian).
/// </summary>
internal sealed class VaeNetwork : nn.Module<Tensor, (Tensor Output, Tensor Mean, Tensor LogVariance)>
{
    private readonly ModuleList<Linear> encoder = new();
    private readonly Linear meanHead;
    private readonly Linear logVarianceHead;
    private readonly ModuleList<Linear> decoder = new();
    private readonly Generator noise;
    private readonly ConvolutionalStack? convolution;

    /// <param name="architecture">The shape.</param>
    /// <param name="init">Draws the initial weights.</param>
    /// <param name="noise">Draws ε in <see cref="Reparameterize"/>; owned by the caller.</param>
    public VaeNetwork(VaeArchitecture architecture, Generator init, Generator noise) : base(nameof(VaeNetwork))
    {
        Architecture = architecture;
        this.noise = noise;
        int[] sizes = architecture.DenseSizes;
        for (int i = 0; i < architecture.HiddenCount; i++)
            encoder.Add(nn.Linear(sizes[i], sizes[i + 1]));
        meanHead = nn.Linear(architecture.HeadInputSize, architecture.LatentSize);
        logVarianceHead = nn.Linear(architecture.HeadInputSize, architecture.LatentSize);
        for (int i = sizes.Length - 1; i > 0; i--)
            decoder.Add(nn.Linear(sizes[i], sizes[i - 1]));
        if (architecture.Convolution is { } spec) convolution = new ConvolutionalStack(spec, architecture.Activation, tied: false);
        RegisterComponents();
        convolution?.Initialize(init);
        Activations.InitializeLinear(encoder.Append(meanHead).Append(logVarianceHead).Concat(decoder), init);
    }

    public VaeArchitecture Architecture { get; }

    /// <summary>q(z|x): the mean and log σ² of each row's latent Gaussian.</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor x)
    {
        Tensor h = convolution?.Encode(x) ?? x;
        foreach (var layer in encoder) h = Activations.Apply(layer.forward(h), Architecture.Activation);
        return (meanHead.forward(h), logVarianceHead.forward(h));
    }

    /// <summary>The reparameterization trick: z = mean + exp(½ log σ²) × ε with ε ~ N(0, I) from the network's own
    /// generator, so gradients reach both heads while the randomness stays outside the graph.</summary>
    public Tensor Reparameterize(Tensor mean, Tensor logVariance)
    {
        var epsilon = randn(mean.shape, dtype: mean.dtype, generator: noise);
        return mean + (0.5 * logVariance).exp() * epsilon;
    }

    /// <summary>p(x|z)'s parameters before the output function: Bernoulli logits, or Gaussian means.</summary>
    public Tensor Decode(Tensor z)
    {
        Tensor h = z;
        for (int i = 0; i < decoder.Count; i++)
        {
            h = decoder[i].forward(h);
            if (i < decoder.Count - 1 || convolution is not null) h = Activations.Apply(h, Architecture.Activation);
        }
        return convolution?.Decode(h) ?? h;
    }

    public override (Tensor Output, Tensor Mean, Tensor LogVariance) forward(Tensor x)
    {
        var (mean, logVariance) = Encode(x);
        return (Decode(Reparameterize(mean, logVariance)), mean, logVariance);
    }

    public VaeWeights ExportWeights()
    {
        var weights = new VaeWeights(Architecture);
        for (int i = 0; i < encoder.Count; i++)
        {
            weights.EncoderWeights[i] = Activations.ToArray(encoder[i].weight!);
            weights.EncoderBiases[i] = Activations.ToArray(encoder[i].bias!);
        }
        weights.MeanWeight = Activations.ToArray(meanHead.weight!);
        weights.MeanBias = Activations.ToArray(meanHead.bias!);
        weights.LogVarianceWeight = Activations.ToArray(logVarianceHead.weight!);
        weights.LogVarianceBias = Activations.ToArray(logVarianceHead.bias!);
        for (int i = 0; i < decoder.Count; i++)
        {
            weights.DecoderWeights[i] = Activations.ToArray(decoder[i].weight!);
            weights.DecoderBiases[i] = Activations.ToArray(decoder[i].bias!);
        }
        weights.Convolution = convolution?.Export();
        return weights;
    }

    /// <summary>Puts saved weights back (for evaluation and generation from a fitted or loaded model).</summary>
    public void ImportWeights(VaeWeights weights)
    {
        for (int i = 0; i < encoder.Count; i++)
        {
            Activations.Load(encoder[i].weight!, weights.EncoderWeights[i]);
            Activations.Load(encoder[i].bias!, weights.EncoderBiases[i]);
        }
        Activations.Load(meanHead.weight!, weights.MeanWeight);
        Activations.Load(meanHead.bias!, weights.MeanBias);
        Activations.Load(logVarianceHead.weight!, weights.LogVarianceWeight);
        Activations.Load(logVarianceHead.bias!, weights.LogVarianceBias);
        for (int i = 0; i < decoder.Count; i++)
        {
            Activations.Load(decoder[i].weight!, weights.DecoderWeights[i]);
            Activations.Load(decoder[i].bias!, weights.DecoderBiases[i]);
        }
        if (weights.Convolution is not null) convolution?.Import(weights.Convolution);
    }
}
