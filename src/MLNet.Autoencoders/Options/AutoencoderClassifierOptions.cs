namespace MLNet.Autoencoders;

/// <summary>
/// Options of an <see cref="AutoencoderClassifierTrainer"/>: a multiclass classifier made of a pretrained autoencoder's
/// encoder and a softmax head, trained on rows of which only some carry a label.
/// </summary>
public sealed class AutoencoderClassifierOptions
{
    /// <summary>The feature column: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = AutoencoderClassifierTrainer.Defaults.FeatureColumnName;

    /// <summary>The label column: a key (<c>MapValueToKey</c>); rows whose key is missing (0, what <c>MapValueToKey</c> gives an
    /// empty or unknown value) are the unlabelled rows. The key's count is the number of classes. Default "Label".</summary>
    public string LabelColumnName { get; set; } = AutoencoderClassifierTrainer.Defaults.LabelColumnName;

    /// <summary>When set, the model also writes the encoder's latent vector to this column. Default null.</summary>
    public string? LatentColumnName { get; set; }

    /// <summary>How the unlabelled rows are used. Default <see cref="SemiSupervisedMethod.InterpolationConsistency"/>, which
    /// measured best (README, "Semi-supervised classification"); <see cref="SemiSupervisedMethod.FineTune"/> is the seed's
    /// recipe and more than ten times faster to train.</summary>
    public SemiSupervisedMethod Method { get; set; } = AutoencoderClassifierTrainer.Defaults.Method;

    /// <summary>The autoencoder pretrained on every row (its column names and <see cref="AutoencoderOptionsBase.EpochCallback"/>
    /// are taken as given, the input column is the feature column). A <see cref="DenoisingAutoencoderOptions"/> pretrains a
    /// denoising autoencoder; <see cref="AutoencoderOptions.Pretraining"/> = GreedyLayerWise a greedy stacked one. Null (and
    /// <see cref="VaePretraining"/> null): when every feature value lies in [0, 1], a Bernoulli VAE 512-256-32 trained 40
    /// epochs, the classifier starting from its latent mean (it measured best: tests/MLNet.Autoencoders.Benchmarks/SEMI-SUPERVISED.md, "Starting from a VAE"); otherwise a
    /// plain 512-256-32 autoencoder, 20 epochs. Ignored when <see cref="PretrainedAutoencoder"/> is set.</summary>
    public AutoencoderOptions? Pretraining { get; set; }

    /// <summary>An autoencoder already fitted (fully connected, on the same features): its weights start the classifier and
    /// no pretraining runs. It is not changed. Default null.</summary>
    public AutoencoderTransformer? PretrainedAutoencoder { get; set; }

    /// <summary>Pretrain a variational autoencoder on every row instead (fully connected; its column names and
    /// <see cref="AutoencoderOptionsBase.EpochCallback"/> are taken as given, the input column is the feature column): the
    /// classifier's encoder is the VAE's encoder up to the latent <b>mean</b>, its decoder (for
    /// <see cref="ReconstructionWeight"/> &gt; 0) the VAE's decoder, with binary cross-entropy as the reconstruction error for
    /// the Bernoulli likelihood and squared error for the Gaussian. Default null. Cannot be set together with
    /// <see cref="Pretraining"/>; ignored when a pretrained model is given.</summary>
    public VaeOptions? VaePretraining { get; set; }

    /// <summary>A variational autoencoder already fitted (fully connected, on the same features): its encoder up to the latent
    /// mean, and its decoder, start the classifier as with <see cref="VaePretraining"/>, and no pretraining runs. It is not
    /// changed. Default null. Cannot be set together with <see cref="PretrainedAutoencoder"/>.</summary>
    public VaeTransformer? PretrainedVae { get; set; }

    /// <summary>Hidden layer sizes of the head between the latent and the class logits. Default none: a linear softmax head.</summary>
    public int[] HeadHiddenLayerSizes { get; set; } = [];

    /// <summary>λ, the weight of the reconstruction error (the pretraining's loss) beside the cross-entropy. Used by
    /// <see cref="SemiSupervisedMethod.Joint"/> (on clean mixed batches), by <see cref="SemiSupervisedMethod.Consistency"/>,
    /// <see cref="SemiSupervisedMethod.PseudoLabels"/> and <see cref="SemiSupervisedMethod.MeanTeacher"/> (rebuilding clean
    /// rows from their corrupted copies) and by <see cref="SemiSupervisedMethod.InterpolationConsistency"/> (rebuilding the
    /// mixed rows); 0 trains no decoder. Null (default): 1 for Joint, 0 for the others.</summary>
    public double? ReconstructionWeight { get; set; }

    /// <summary>Weight of the unlabelled rows' term (consistency or pseudo-label cross-entropy). Null (default): 10 for
    /// <see cref="SemiSupervisedMethod.MeanTeacher"/> and <see cref="SemiSupervisedMethod.InterpolationConsistency"/> (whose
    /// term is a squared error between probabilities, small by nature), 1 for the others.</summary>
    public double? UnlabelledWeight { get; set; }

    /// <summary>Pseudo-labels: the least probability the classifier must give a clean unlabelled row's top class for that
    /// row to train as that class. In (0, 1]. Default 0.95.</summary>
    public double ConfidenceThreshold { get; set; } = AutoencoderClassifierTrainer.Defaults.ConfidenceThreshold;

    /// <summary>How rows are corrupted: the unlabelled rows of <see cref="SemiSupervisedMethod.Consistency"/> and
    /// <see cref="SemiSupervisedMethod.PseudoLabels"/>, every row of <see cref="SemiSupervisedMethod.MeanTeacher"/>, the
    /// labelled rows of <see cref="SemiSupervisedMethod.InterpolationConsistency"/>; not used by the others. Null (default):
    /// <see cref="CorruptionKind.Gaussian"/> for MeanTeacher and InterpolationConsistency, <see cref="CorruptionKind.Masking"/>
    /// for the others.</summary>
    public CorruptionKind? Corruption { get; set; }

    /// <summary>The corruption's strength: the Gaussian noise's standard deviation, or the fraction of values masked or set to
    /// salt and pepper. Null (default): 0.2 for MeanTeacher and InterpolationConsistency, 0.3 for the others.</summary>
    public double? CorruptionLevel { get; set; }

    /// <summary>Dropout rate on the hidden layers of the encoder and head while training (the inverted dropout of
    /// Srivastava et al. 2014; the fitted model scores without it). In [0, 1). Null (default): 0.2 for
    /// <see cref="SemiSupervisedMethod.MeanTeacher"/> and <see cref="SemiSupervisedMethod.InterpolationConsistency"/>, 0 for
    /// the others.</summary>
    public double? Dropout { get; set; }

    /// <summary>Mean teacher and interpolation consistency: the teacher's weights follow the classifier's as an exponential
    /// moving average, teacher ← d · teacher + (1 − d) · classifier after each step, with d = min(TeacherDecay,
    /// (t + 1) / (t + 10)) at step t so that the teacher forgets its start quickly (as in Tarvainen and Valpola's code).
    /// In [0, 1). Default 0.99.</summary>
    public double TeacherDecay { get; set; } = AutoencoderClassifierTrainer.Defaults.TeacherDecay;

    /// <summary>Interpolation consistency: α of the Beta(α, α) distribution the mixing weight λ is drawn from (one λ per
    /// step); 1 draws it uniformly from [0, 1], smaller values keep most mixes close to one of the two rows. Positive.
    /// Default 1.</summary>
    public double MixupAlpha { get; set; } = AutoencoderClassifierTrainer.Defaults.MixupAlpha;

    /// <summary>Adam learning rate of the pretrained encoder (and decoder); 0 freezes the encoder. Null (default): 3e-4
    /// for <see cref="SemiSupervisedMethod.MeanTeacher"/> and <see cref="SemiSupervisedMethod.InterpolationConsistency"/>
    /// (their teacher averages the classifier's weights over many steps), 1e-4 for the others.</summary>
    public double? EncoderLearningRate { get; set; }

    /// <summary>Adam learning rate of the head. Default 1e-3.</summary>
    public double HeadLearningRate { get; set; } = AutoencoderClassifierTrainer.Defaults.HeadLearningRate;

    /// <summary>Epochs: passes over all rows in batches of <see cref="BatchSize"/>; every step also trains on
    /// <see cref="LabelledBatchSize"/> labelled rows (cycling through them), in every method. Null (default): enough epochs
    /// for about 1,600 steps, the reference's fine-tuning budget (7 epochs on 60,000 rows, 35 on 12,000); for
    /// <see cref="SemiSupervisedMethod.MeanTeacher"/> and <see cref="SemiSupervisedMethod.InterpolationConsistency"/> 35 epochs,
    /// but at least about 1,600 steps and at most about 8,000 (35 epochs on 60,000 or 12,000 rows, 50 on 8,000).</summary>
    public int? Epochs { get; set; }

    /// <summary>Rows (labelled or not) per step. Default 256.</summary>
    public int BatchSize { get; set; } = AutoencoderClassifierTrainer.Defaults.BatchSize;

    /// <summary>Labelled rows per step. Default 64.</summary>
    public int LabelledBatchSize { get; set; } = AutoencoderClassifierTrainer.Defaults.LabelledBatchSize;

    /// <summary>Share of the labelled rows held out to measure accuracy after each epoch (early stopping keeps the best
    /// epoch). In [0, 1). Default 0: no validation, the last epoch is kept.</summary>
    public double ValidationFraction { get; set; }

    /// <summary>Epochs without a better validation accuracy before training stops. Default 3.</summary>
    public int EarlyStoppingPatience { get; set; } = AutoencoderClassifierTrainer.Defaults.EarlyStoppingPatience;

    /// <summary>Cross-entropy weight of each class, in key order (one per key value, each positive). Null (default): equal.</summary>
    public float[]? ClassWeights { get; set; }

    /// <summary>Seed of the classifier's randomness (and of the pretraining when its options give none); null takes it from the MLContext.</summary>
    public int? Seed { get; set; }

    /// <summary>TorchSharp threads; null leaves TorchSharp's default.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Called after each classifier epoch (pretraining reports through its own options' callback).</summary>
    public Action<ClassifierEpochReport>? EpochCallback { get; set; }

    /// <summary>Cancels training between batches.</summary>
    public CancellationToken CancellationToken { get; set; }
}
