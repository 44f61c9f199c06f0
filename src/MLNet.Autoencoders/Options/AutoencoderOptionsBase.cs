namespace MLNet.Autoencoders;

/// <summary>
/// What every autoencoder kind shares: the columns, the encoder's shape and the training loop. See
/// <see cref="AutoencoderOptions"/> (plain, denoising and stacked autoencoders) and <see cref="VaeOptions"/> (variational).
/// </summary>
public abstract class AutoencoderOptionsBase
{
    private protected AutoencoderOptionsBase()
    {
    }

    /// <summary>The column that receives the latent vector (a known-size vector of Single of length <see cref="LatentDimension"/>).</summary>
    public string OutputColumnName { get; set; } = AutoencoderEstimator.Defaults.OutputColumnName;

    /// <summary>The input column: a known-size vector of Single. Null means the same name as <see cref="OutputColumnName"/>
    /// (the latent then replaces the input column, as ML.NET's PCA does).</summary>
    public string? InputColumnName { get; set; }

    /// <summary>Optional column that receives the reconstruction of the input (same size as the input). Null (default): not produced.</summary>
    public string? ReconstructionColumnName { get; set; }

    /// <summary>Size of the latent vector. Must be at least 1 and smaller than the input size.
    /// Default 32 for an autoencoder, 20 for a VAE.</summary>
    public int LatentDimension { get; set; } = AutoencoderEstimator.Defaults.LatentDimension;

    /// <summary>Sizes of the encoder's hidden layers, from the input towards the latent; the decoder mirrors them.
    /// Default { 512, 256 }. An empty array gives a single linear layer each way.</summary>
    public int[] HiddenLayerSizes { get; set; } = (int[])AutoencoderEstimator.Defaults.HiddenLayerSizes.Clone();

    /// <summary>Non-linearity after every hidden layer. Default <see cref="Activation.Relu"/>. The latent layer is always linear.</summary>
    public Activation Activation { get; set; } = AutoencoderEstimator.Defaults.Activation;

    /// <summary>Number of passes over the training rows. Default 20.</summary>
    public int Epochs { get; set; } = AutoencoderEstimator.Defaults.Epochs;

    /// <summary>Rows per optimisation step. Default 256 for an autoencoder, 128 for a VAE. The last, partial batch of an epoch is kept.</summary>
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

    /// <summary>Called after every epoch with its report, on the training thread. Null (default): no callback.
    /// The same reports also go to <c>MLContext.Log</c>.</summary>
    public Action<EpochReport>? EpochCallback { get; set; }

    /// <summary>Cancels training: <c>Fit</c> checks it between batches and throws <see cref="OperationCanceledException"/>
    /// (within one batch's time). Default: none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Makes the model convolutional for image input: strided convolutions before the dense layers and transposed
    /// convolutions after them (see <see cref="ConvolutionOptions"/>). The hidden layers then sit between the flattened
    /// feature map and the latent (set <see cref="HiddenLayerSizes"/> to an empty array for conv → latent directly).
    /// Null (default): a fully connected model.</summary>
    public ConvolutionOptions? Convolution { get; set; }

    /// <summary>When true, training does not hold the data in memory: it reads the input column from the IDataView every
    /// epoch (one pass first to count the rows and check them), shuffling through a seeded buffer of
    /// <see cref="ShuffleBufferRows"/> rows. For data larger than memory, e.g. a binary IDataView file
    /// (<c>mlContext.Data.LoadFromBinary</c>); the data must read the same on every pass. Validation rows are then chosen by a
    /// seeded hash of each row's position. Default false: the column is read once into one buffer, which is faster.</summary>
    public bool StreamTrainingData { get; set; }

    /// <summary>Rows in the shuffle buffer when <see cref="StreamTrainingData"/> is on: more mixes batches better and costs
    /// rows × features × 4 bytes. Default 8192.</summary>
    public int ShuffleBufferRows { get; set; } = AutoencoderEstimator.Defaults.ShuffleBufferRows;

    /// <summary>A file to write a training checkpoint to every <see cref="CheckpointInterval"/> epochs (of every stage,
    /// greedy pretraining layers included): the weights, Adam's state, the random generators' state, early stopping's
    /// state and the history so far. Written atomically (a temporary file, then a rename), so a kill while writing leaves
    /// the previous checkpoint whole. Null (default): no checkpoints.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Epochs between checkpoints when <see cref="CheckpointPath"/> is set. Default 1.</summary>
    public int CheckpointInterval { get; set; } = AutoencoderEstimator.Defaults.CheckpointInterval;

    /// <summary>A checkpoint to resume from: training continues after the epoch it was written at and ends with the same
    /// weights, bit for bit, as an uninterrupted run with the same options, seed and <see cref="NumberOfThreads"/>.
    /// <see cref="Epochs"/> may be raised to train on beyond the original run. The checkpoint must come from the same kind,
    /// architecture, data size and training settings; otherwise <c>Fit</c> throws <see cref="InvalidDataException"/> saying
    /// what differs. Null (default): start afresh.</summary>
    public string? ResumeFromCheckpoint { get; set; }

    /// <summary>Copies the shared settings into <paramref name="target"/> (arrays are cloned).</summary>
    private protected void CopySharedTo(AutoencoderOptionsBase target)
    {
        target.OutputColumnName = OutputColumnName;
        target.InputColumnName = InputColumnName;
        target.ReconstructionColumnName = ReconstructionColumnName;
        target.LatentDimension = LatentDimension;
        target.HiddenLayerSizes = (int[])HiddenLayerSizes.Clone();
        target.Activation = Activation;
        target.Epochs = Epochs;
        target.BatchSize = BatchSize;
        target.LearningRate = LearningRate;
        target.WeightDecay = WeightDecay;
        target.ValidationFraction = ValidationFraction;
        target.EarlyStoppingPatience = EarlyStoppingPatience;
        target.Seed = Seed;
        target.NumberOfThreads = NumberOfThreads;
        target.EpochCallback = EpochCallback;
        target.CancellationToken = CancellationToken;
        target.Convolution = Convolution?.Clone();
        target.StreamTrainingData = StreamTrainingData;
        target.ShuffleBufferRows = ShuffleBufferRows;
        target.CheckpointPath = CheckpointPath;
        target.CheckpointInterval = CheckpointInterval;
        target.ResumeFromCheckpoint = ResumeFromCheckpoint;
    }
}
