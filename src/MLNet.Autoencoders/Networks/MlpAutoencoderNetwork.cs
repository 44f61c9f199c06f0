using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Networks;

/// <summary>
/// A fully connected autoencoder: input → hidden layers → linear latent → mirrored hidden layers → output logits.
/// With tied weights the decoder reuses the transposed encoder weight tensors (one Parameter, two uses).
/// </summary>
internal sealed class MlpAutoencoderNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> encoder = new();
    private readonly ModuleList<Linear> decoder = new();
    private readonly ParameterList tiedDecoderBiases = new();
    private readonly Activation activation;
    private readonly ConvolutionalStack? convolution;

    public MlpAutoencoderNetwork(MlpArchitecture architecture, Generator generator) : base(nameof(MlpAutoencoderNetwork))
    {
        Architecture = architecture;
        activation = architecture.Activation;
        int[] sizes = architecture.DenseSizes;
        for (int i = 0; i + 1 < sizes.Length; i++)
            encoder.Add(nn.Linear(sizes[i], sizes[i + 1]));
        for (int i = sizes.Length - 1; i > 0; i--)
        {
            if (architecture.TiedWeights)
                tiedDecoderBiases.Add(new Parameter(zeros(sizes[i - 1])));
            else
                decoder.Add(nn.Linear(sizes[i], sizes[i - 1]));
        }
        if (architecture.Convolution is { } spec) convolution = new ConvolutionalStack(spec, activation, architecture.TiedWeights);
        RegisterComponents();
        // A plain MLP draws nothing for convolutions, so its weights are what they were before convolutions existed.
        convolution?.Initialize(generator);
        Initialize(generator);
    }

    public MlpArchitecture Architecture { get; }

    public int LayerCount => encoder.Count;

    /// <summary>The encoder's weight for layer <paramref name="i"/> ([out, in], torch layout).</summary>
    public Parameter EncoderWeight(int i) => encoder[i].weight!;

    public Parameter EncoderBias(int i) => encoder[i].bias!;

    /// <summary>Decoder layer <paramref name="i"/> counted from the latent; null weight when tied.</summary>
    public Parameter? DecoderWeight(int i) => Architecture.TiedWeights ? null : decoder[i].weight!;

    public Parameter DecoderBias(int i) => Architecture.TiedWeights ? tiedDecoderBiases[i] : decoder[i].bias!;

    private void Initialize(Generator generator) => Activations.InitializeLinear(encoder.Concat(decoder), generator);

    public Tensor Encode(Tensor x)
    {
        Tensor h = convolution?.Encode(x) ?? x;
        for (int k = 0; k < encoder.Count; k++) h = EncodeLayer(k, h);
        return h;
    }

    /// <summary>Decodes a latent batch to output logits (before the output activation).</summary>
    public Tensor DecodeLogits(Tensor z)
    {
        Tensor h = z;
        for (int i = 0; i < encoder.Count; i++) h = DecodeLayer(i, h);
        return convolution?.Decode(h) ?? h;
    }

    /// <summary>Encoder layer <paramref name="k"/> (from the input), with its activation unless it is the linear latent layer.</summary>
    public Tensor EncodeLayer(int k, Tensor h)
    {
        h = encoder[k].forward(h);
        return k < encoder.Count - 1 ? Activate(h) : h;
    }

    /// <summary>Decoder layer <paramref name="i"/> (from the latent), with its activation unless it gives the output logits
    /// (the last dense layer is activated when transposed convolutions follow it).</summary>
    public Tensor DecodeLayer(int i, Tensor h)
    {
        int n = encoder.Count;
        h = Architecture.TiedWeights
            ? nn.functional.linear(h, encoder[n - 1 - i].weight!.t(), tiedDecoderBiases[i])
            : decoder[i].forward(h);
        return i < n - 1 || convolution is not null ? Activate(h) : h;
    }

    /// <summary>The parameters of encoder layer <paramref name="k"/> and its mirror decoder layer: what greedy pretraining of layer k trains.</summary>
    public IEnumerable<Parameter> LayerParameters(int k)
    {
        int mirror = encoder.Count - 1 - k;
        yield return EncoderWeight(k);
        yield return EncoderBias(k);
        if (DecoderWeight(mirror) is { } weight) yield return weight;
        yield return DecoderBias(mirror);
    }

    public override Tensor forward(Tensor x) => DecodeLogits(Encode(x));

    private Tensor Activate(Tensor h) => Activations.Apply(h, activation);

    /// <summary>Copies the weights out into a framework-free form, ready for ONNX.</summary>
    public MlpWeights ExportWeights()
    {
        int n = encoder.Count;
        var weights = new MlpWeights(Architecture);
        for (int i = 0; i < n; i++)
        {
            weights.EncoderWeights[i] = ToArray(EncoderWeight(i));
            weights.EncoderBiases[i] = ToArray(EncoderBias(i));
            weights.DecoderBiases[i] = ToArray(DecoderBias(i));
            if (!Architecture.TiedWeights) weights.DecoderWeights[i] = ToArray(DecoderWeight(i)!);
        }
        weights.Convolution = convolution?.Export();
        return weights;
    }

    /// <summary>Copies <paramref name="weights"/> (of the same architecture, fully connected) into the network: the
    /// inverse of <see cref="ExportWeights"/>, so training can continue from a fitted model.</summary>
    public void LoadWeights(MlpWeights weights)
    {
        if (weights.Architecture.Convolution is not null || convolution is not null)
            throw new NotSupportedException("Loading weights is implemented for fully connected autoencoders only.");
        if (!weights.Architecture.LayerSizes.SequenceEqual(Architecture.LayerSizes) || weights.Architecture.TiedWeights != Architecture.TiedWeights)
            throw new ArgumentException("The weights belong to a different architecture.", nameof(weights));
        using var noGrad = no_grad();
        int n = encoder.Count;
        for (int i = 0; i < n; i++)
        {
            Copy(EncoderWeight(i), weights.EncoderWeights[i]);
            Copy(EncoderBias(i), weights.EncoderBiases[i]);
            Copy(DecoderBias(i), weights.DecoderBiases[i]);
            if (DecoderWeight(i) is { } decoderWeight) Copy(decoderWeight, weights.DecoderWeights[i]);
        }
    }

    private static void Copy(Tensor target, float[] values)
    {
        using var source = tensor(values).reshape(target.shape);
        target.copy_(source);
    }

    private static float[] ToArray(Tensor t) => Activations.ToArray(t);
}
