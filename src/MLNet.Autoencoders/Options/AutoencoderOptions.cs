namespace MLNet.Autoencoders;

/// <summary>
/// Everything that shapes an <see cref="AutoencoderEstimator"/>: the columns, the network, the loss and the training loop.
/// Pass it to <c>mlContext.Transforms.Autoencoder(options)</c>.
/// </summary>
/// <remarks>The defaults reproduce the reference 784-512-256-32 model: ReLU hidden layers, a linear latent,
/// Adam with learning rate 1e-3, batches of 256 rows, 20 epochs.</remarks>
public class AutoencoderOptions
{
    /// <summary>The column that receives the latent vector (a known-size vector of Single of length <see cref="LatentDimension"/>).</summary>
    public string OutputColumnName { get; set; } = AutoencoderEstimator.Defaults.OutputColumnName;

    /// <summary>The input column: a known-size vector of Single. Null means the same name as <see cref="OutputColumnName"/>
    /// (the latent then replaces the input column, as ML.NET's PCA does).</summary>
    public string? InputColumnName { get; set; }

    /// <summary>Optional column that receives the reconstruction of the input (same size as the input). Null (default): not produced.</summary>
    public string? ReconstructionColumnName { get; set; }

    /// <summary>Optional column that receives the per-row reconstruction error: the mean squared difference
    /// between the input and its reconstruction, usable as an anomaly score. It is a known-size vector of one Single
    /// (read element 0), because ML.NET 5.0.1's OnnxTransformer, which serves saved models, cannot produce scalar columns
    /// from ONNX (dotnet/machinelearning#7225). Null (default): not produced.</summary>
    public string? ReconstructionErrorColumnName { get; set; }

    /// <summary>Size of the latent vector. Must be at least 1 and smaller than the input size. Default 32.</summary>
    public int LatentDimension { get; set; } = AutoencoderEstimator.Defaults.LatentDimension;

    /// <summary>Sizes of the encoder's hidden layers, from the input towards the latent; the decoder mirrors them.
    /// Default { 512, 256 }. An empty array gives a single linear layer each way.</summary>
    public int[] HiddenLayerSizes { get; set; } = (int[])AutoencoderEstimator.Defaults.HiddenLayerSizes.Clone();

    /// <summary>Non-linearity after every hidden layer. Default <see cref="Activation.Relu"/>. The latent layer is always linear.</summary>
    public Activation Activation { get; set; } = AutoencoderEstimator.Defaults.Activation;

    /// <summary>Training loss. Default <see cref="ReconstructionLoss.MeanSquaredError"/>.</summary>
    public ReconstructionLoss Loss { get; set; } = AutoencoderEstimator.Defaults.Loss;

    /// <summary>Function on the decoder's output. Default <see cref="OutputActivation.Auto"/>.</summary>
    public OutputActivation OutputActivation { get; set; } = AutoencoderEstimator.Defaults.OutputActivation;

    /// <summary>When true, each decoder layer uses the transpose of its mirror encoder layer's weight matrix
    /// (one weight tensor shared by both, gradients from both uses) with its own zero-initialised bias.
    /// Halves the weights. Default false.</summary>
    public bool TiedWeights { get; set; }

    /// <summary>Number of passes over the training rows. Default 20.</summary>
    public int Epochs { get; set; } = AutoencoderEstimator.Defaults.Epochs;

    /// <summary>Rows per optimisation step. Default 256. The last, partial batch of an epoch is kept.</summary>
    public int BatchSize { get; set; } = AutoencoderEstimator.Defaults.BatchSize;

    /// <summary>Adam's learning rate. Default 1e-3.</summary>
    public double LearningRate { get; set; } = AutoencoderEstimator.Defaults.LearningRate;

    /// <summary>L2 penalty on the weights (Adam's weight_decay). Default 0.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Fraction of the rows held out (chosen at random, seeded) to measure a validation loss after each epoch.
    /// Must lie in [0, 1). When above 0, early stopping is on: training stops after <see cref="EarlyStoppingPatience"/>
    /// epochs without a better validation loss and the best epoch's weights are kept. Default 0 (no validation).</summary>
    public double ValidationFraction { get; set; }

    /// <summary>Epochs without improvement of the validation loss before training stops. Only used when
    /// <see cref="ValidationFraction"/> is above 0. Default 5.</summary>
    public int EarlyStoppingPatience { get; set; } = AutoencoderEstimator.Defaults.EarlyStoppingPatience;

    /// <summary>Seed for weight initialisation, shuffling and the validation split. Null (default): drawn from the
    /// MLContext's seed, so <c>new MLContext(seed: 1)</c> gives reproducible models.</summary>
    public int? Seed { get; set; }

    /// <summary>Threads TorchSharp may use while training. Null (default): TorchSharp's own choice (all cores).
    /// Note that libtorch's thread count is process-wide.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Greedy layer-wise pretraining before the end-to-end epochs. Default <see cref="Pretraining.None"/>.
    /// With <see cref="Pretraining.GreedyLayerWise"/>, each layer is first trained for <see cref="PretrainingEpochsPerLayer"/>
    /// epochs as a one-layer autoencoder of the previous layer's code (Hinton &amp; Salakhutdinov 2006; Bengio et al. 2007),
    /// then <see cref="Epochs"/> epochs fine-tune the whole stack from those weights.</summary>
    public Pretraining Pretraining { get; set; }

    /// <summary>Epochs of pretraining for each layer when <see cref="Pretraining"/> is <see cref="Pretraining.GreedyLayerWise"/>. Default 5.</summary>
    public int PretrainingEpochsPerLayer { get; set; } = AutoencoderEstimator.Defaults.PretrainingEpochsPerLayer;

    /// <summary>Called after every epoch with its report, on the training thread. Null (default): no callback.
    /// The same reports also go to <c>MLContext.Log</c>.</summary>
    public Action<EpochReport>? EpochCallback { get; set; }

    /// <summary>Cancels training: <c>Fit</c> checks it between batches and throws <see cref="OperationCanceledException"/>
    /// (within one batch's time). Default: none.</summary>
    public CancellationToken CancellationToken { get; set; }
}
