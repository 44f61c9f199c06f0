using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Networks;

/// <summary>
/// A pretrained autoencoder's encoder with a softmax head on its latent (hidden layers optional), and, for the training
/// modes with a reconstruction term, the autoencoder's decoder. The encoder and decoder start from the autoencoder's weights
/// (a tied decoder becomes an untied copy of the transposed encoder weights); the head starts from our seeded generator.
/// In training mode, optional dropout follows every hidden activation of the encoder and head, its masks drawn from a
/// generator of ours (torch's own dropout would draw from the global generator).
/// </summary>
internal sealed class ClassifierNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> encoder = new();
    private readonly ModuleList<Linear> head = new();
    private readonly ModuleList<Linear> decoder = new();
    private readonly Activation activation;
    private readonly double dropout;
    private readonly Generator? dropoutGenerator;

    public ClassifierNetwork(MlpWeights pretrained, int[] headHiddenSizes, int classes, bool withDecoder, Generator generator,
        double dropout = 0, Generator? dropoutGenerator = null)
        : base(nameof(ClassifierNetwork))
    {
        if (dropout > 0 && dropoutGenerator is null) throw new ArgumentNullException(nameof(dropoutGenerator));
        this.dropout = dropout;
        this.dropoutGenerator = dropoutGenerator;
        var arch = pretrained.Architecture;
        activation = arch.Activation;
        OutputActivation = arch.OutputActivation;
        EncoderSizes = (int[])arch.LayerSizes.Clone();
        HeadSizes = [arch.LatentSize, .. headHiddenSizes, classes];
        int n = arch.LayerCount;
        for (int i = 0; i < n; i++) encoder.Add(nn.Linear(EncoderSizes[i], EncoderSizes[i + 1]));
        for (int i = 0; i + 1 < HeadSizes.Length; i++) head.Add(nn.Linear(HeadSizes[i], HeadSizes[i + 1]));
        if (withDecoder)
            for (int i = 0; i < n; i++) decoder.Add(nn.Linear(EncoderSizes[n - i], EncoderSizes[n - 1 - i]));
        RegisterComponents();

        Activations.InitializeLinear(head, generator);
        for (int i = 0; i < n; i++)
        {
            Activations.Load(encoder[i].weight!, pretrained.EncoderWeights[i]);
            Activations.Load(encoder[i].bias!, pretrained.EncoderBiases[i]);
        }
        for (int i = 0; i < decoder.Count; i++)
        {
            int inSize = EncoderSizes[n - i], outSize = EncoderSizes[n - 1 - i];
            // A tied decoder layer i uses encoder layer n-1-i transposed: [in, out] of that layer is [out, in] here.
            var weight = arch.TiedWeights
                ? Onnx.MlpOnnxModel.Transpose(pretrained.EncoderWeights[n - 1 - i], inSize, outSize)
                : pretrained.DecoderWeights[i];
            Activations.Load(decoder[i].weight!, weight);
            Activations.Load(decoder[i].bias!, pretrained.DecoderBiases[i]);
        }
    }

    public int[] EncoderSizes { get; }

    public int[] HeadSizes { get; }

    public OutputActivation OutputActivation { get; }

    public bool HasDecoder => decoder.Count > 0;

    /// <summary>The encoder's and decoder's parameters (the autoencoder's: trained at the encoder learning rate).</summary>
    public IEnumerable<Parameter> AutoencoderParameters() =>
        encoder.SelectMany(l => l.parameters()).Concat(decoder.SelectMany(l => l.parameters()));

    /// <summary>The head's parameters.</summary>
    public IEnumerable<Parameter> HeadParameters() => head.SelectMany(l => l.parameters());

    /// <summary>The encoder's and head's parameters, in a fixed order (what a teacher follows).</summary>
    private IEnumerable<Parameter> ClassifierParameters() =>
        encoder.SelectMany(l => l.parameters()).Concat(HeadParameters());

    /// <summary>Makes this network's encoder and head an exponential moving average of <paramref name="student"/>'s:
    /// p ← decay · p + (1 − decay) · p_student (decay 0 copies them).</summary>
    public void FollowAsTeacher(ClassifierNetwork student, double decay)
    {
        using var noGrad = no_grad();
        foreach (var (mine, theirs) in ClassifierParameters().Zip(student.ClassifierParameters()))
        {
            if (decay == 0) mine.copy_(theirs);
            else mine.mul_(decay).add_(theirs, alpha: 1 - decay);
        }
    }

    /// <summary>The linear latent of a batch.</summary>
    public Tensor Encode(Tensor x) => Run(encoder, x, training);

    /// <summary>Class logits from a latent batch.</summary>
    public Tensor Classify(Tensor z) => Run(head, z, training);

    /// <summary>Reconstruction logits (before the output activation) from a latent batch.</summary>
    public Tensor Decode(Tensor z) => Run(decoder, z, withDropout: false);

    /// <summary>Dense layers in order, the hidden activation after each but the last (linear latent, logits), and dropout
    /// after each activation when asked.</summary>
    private Tensor Run(ModuleList<Linear> layers, Tensor h, bool withDropout)
    {
        for (int k = 0; k < layers.Count; k++)
        {
            h = layers[k].forward(h);
            if (k == layers.Count - 1) continue;
            h = Activations.Apply(h, activation);
            // Inverted dropout: kept units are scaled by 1 / (1 − p), so scoring needs no change.
            if (withDropout && dropout > 0)
                h = h * (torch.rand(h.shape, generator: dropoutGenerator) >= dropout).to_type(h.dtype).div_(1 - dropout);
        }
        return h;
    }

    public override Tensor forward(Tensor x) => Classify(Encode(x));

    public ClassifierWeights ExportWeights()
    {
        var weights = new ClassifierWeights(EncoderSizes, HeadSizes, activation);
        for (int i = 0; i < encoder.Count; i++)
        {
            weights.EncoderWeights[i] = Activations.ToArray(encoder[i].weight!);
            weights.EncoderBiases[i] = Activations.ToArray(encoder[i].bias!);
        }
        for (int i = 0; i < head.Count; i++)
        {
            weights.HeadWeights[i] = Activations.ToArray(head[i].weight!);
            weights.HeadBiases[i] = Activations.ToArray(head[i].bias!);
        }
        return weights;
    }
}
