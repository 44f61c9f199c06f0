namespace MLNet.Autoencoders;

/// <summary>
/// Everything that shapes an <see cref="AutoencoderEstimator"/>: the columns, the network, the loss and the training loop.
/// Pass it to <c>mlContext.Transforms.Autoencoder(options)</c>.
/// </summary>
/// <remarks>The defaults reproduce the reference 784-512-256-32 model: ReLU hidden layers, a linear latent,
/// Adam with learning rate 1e-3, batches of 256 rows, 20 epochs.</remarks>
public class AutoencoderOptions : AutoencoderOptionsBase
{
    /// <summary>Optional column that receives the per-row reconstruction error: the mean squared difference
    /// between the input and its reconstruction, usable as an anomaly score. It is a known-size vector of one Single
    /// (read element 0), because ML.NET 5.0.1's OnnxTransformer, which serves saved models, cannot produce scalar columns
    /// from ONNX (dotnet/machinelearning#7225). Null (default): not produced.</summary>
    public string? ReconstructionErrorColumnName { get; set; }

    /// <summary>Training loss. Default <see cref="ReconstructionLoss.MeanSquaredError"/>.</summary>
    public ReconstructionLoss Loss { get; set; } = AutoencoderEstimator.Defaults.Loss;

    /// <summary>Function on the decoder's output. Default <see cref="OutputActivation.Auto"/>.</summary>
    public OutputActivation OutputActivation { get; set; } = AutoencoderEstimator.Defaults.OutputActivation;

    /// <summary>When true, each decoder layer uses the transpose of its mirror encoder layer's weight matrix
    /// (one weight tensor shared by both, gradients from both uses) with its own zero-initialised bias.
    /// Halves the weights. Default false.</summary>
    public bool TiedWeights { get; set; }

    /// <summary>Greedy layer-wise pretraining before the end-to-end epochs. Default <see cref="Pretraining.None"/>.
    /// With <see cref="Pretraining.GreedyLayerWise"/>, each layer is first trained for <see cref="PretrainingEpochsPerLayer"/>
    /// epochs as a one-layer autoencoder of the previous layer's code (Hinton &amp; Salakhutdinov 2006; Bengio et al. 2007),
    /// then <see cref="AutoencoderOptionsBase.Epochs"/> epochs fine-tune the whole stack from those weights.</summary>
    public Pretraining Pretraining { get; set; }

    /// <summary>Epochs of pretraining for each layer when <see cref="Pretraining"/> is <see cref="Pretraining.GreedyLayerWise"/>. Default 5.</summary>
    public int PretrainingEpochsPerLayer { get; set; } = AutoencoderEstimator.Defaults.PretrainingEpochsPerLayer;

    /// <summary>A deep copy (the callback and token are shared).</summary>
    internal AutoencoderOptions Clone()
    {
        var copy = new AutoencoderOptions();
        CopyTo(copy);
        return copy;
    }

    private protected void CopyTo(AutoencoderOptions target)
    {
        CopySharedTo(target);
        target.ReconstructionErrorColumnName = ReconstructionErrorColumnName;
        target.Loss = Loss;
        target.OutputActivation = OutputActivation;
        target.TiedWeights = TiedWeights;
        target.Pretraining = Pretraining;
        target.PretrainingEpochsPerLayer = PretrainingEpochsPerLayer;
    }
}
