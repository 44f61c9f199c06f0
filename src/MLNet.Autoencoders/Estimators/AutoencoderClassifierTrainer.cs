using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Training;

namespace MLNet.Autoencoders;

/// <summary>
/// Semi-supervised multiclass classification: an autoencoder learns the rows without labels, its encoder becomes the lower
/// layers of a classifier, and the classifier trains on the few labelled rows (and, depending on
/// <see cref="AutoencoderClassifierOptions.Method"/>, on the unlabelled rows too). Create it with
/// <c>mlContext.MulticlassClassification.Trainers.AutoencoderClassifier(...)</c>.
/// </summary>
/// <remarks>
/// <para>Input: a known-size vector of Single (the features) and a key-typed label in which unlabelled rows hold the missing
/// key (0). Output, as ML.NET's multiclass trainers write it: <c>Score</c>, the class probabilities (slot names = the label's
/// key values), and <c>PredictedLabel</c>, of the label's key type, so <c>MapKeyToValue</c> and
/// <c>mlContext.MulticlassClassification.Evaluate</c> work unchanged; optionally the latent.</para>
/// <para>A class of the key with no labelled row keeps its Score slot but gets no training signal, so it is (almost) never
/// predicted; the log warns. Fewer labelled rows than classes train all the same (with a warning).</para>
/// </remarks>
public sealed class AutoencoderClassifierTrainer : IEstimator<AutoencoderClassifierTransformer>
{
    /// <summary>Default values of <see cref="AutoencoderClassifierOptions"/>.</summary>
    internal static class Defaults
    {
        public const string FeatureColumnName = "Features";
        public const string LabelColumnName = "Label";
        /// <summary>Interpolation consistency measured best at full Fashion-MNIST size (README, "Semi-supervised classification").</summary>
        public const SemiSupervisedMethod Method = SemiSupervisedMethod.InterpolationConsistency;
        public const double ConfidenceThreshold = 0.95;
        public const double HeadLearningRate = 1e-3;
        public const double TeacherDecay = 0.99;
        public const double MixupAlpha = 1;
        /// <summary>Steps the default epoch count aims at: the reference's fine-tuning budget (1,600 steps; 7 epochs on 60,000 rows).</summary>
        public const int TrainingSteps = 1600;
        /// <summary>Epochs of the teacher methods, which learn from the unlabelled rows as they go: 35 passes, at least
        /// <see cref="TrainingSteps"/> steps (small data) and at most <see cref="TeacherTrainingSteps"/> (about 35 epochs on
        /// 60,000 rows, where they were tuned).</summary>
        public const int TeacherEpochs = 35;
        public const int TeacherTrainingSteps = 8000;

        // The method-dependent defaults: the teacher methods (mean teacher, interpolation consistency) were tuned on
        // Fashion-MNIST at 1,000 labels (tests/MLNet.Autoencoders.Benchmarks/SEMI-SUPERVISED.md); the others keep what they measured with.
        public static double UnlabelledWeight(SemiSupervisedMethod method) => UsesTeacher(method) ? 10 : 1;
        public static CorruptionKind Corruption(SemiSupervisedMethod method) => UsesTeacher(method) ? CorruptionKind.Gaussian : CorruptionKind.Masking;
        public static double CorruptionLevel(SemiSupervisedMethod method) => UsesTeacher(method) ? 0.2 : 0.3;
        public static double Dropout(SemiSupervisedMethod method) => UsesTeacher(method) ? 0.2 : 0;
        public static double EncoderLearningRate(SemiSupervisedMethod method) => UsesTeacher(method) ? 3e-4 : 1e-4;

        /// <summary>The default number of steps for <paramref name="method"/> when an epoch has <paramref name="stepsPerEpoch"/> steps.</summary>
        public static int Steps(SemiSupervisedMethod method, int stepsPerEpoch) =>
            UsesTeacher(method) ? (int)Math.Clamp((long)TeacherEpochs * stepsPerEpoch, TrainingSteps, TeacherTrainingSteps) : TrainingSteps;

        /// <summary>Whether the method trains against a moving-average teacher, which becomes the model.</summary>
        public static bool UsesTeacher(SemiSupervisedMethod method) =>
            method is SemiSupervisedMethod.MeanTeacher or SemiSupervisedMethod.InterpolationConsistency;
        public const int BatchSize = 256;
        public const int LabelledBatchSize = 64;
        public const int EarlyStoppingPatience = 3;
        public const int PretrainingEpochs = 20;
        /// <summary>Epochs of the default VAE pretraining (features in [0, 1]): measured at full Fashion-MNIST size, 3 seeds,
        /// 100 labels, fine-tuning from its latent mean: 0.718 after 20 epochs, 0.723 after 40 (autoencoder start: 0.709).</summary>
        public const int VaePretrainingEpochs = 40;
    }

    private readonly IHostEnvironment environment;
    private readonly TransformsCatalog transforms;
    private readonly IHost host;
    private readonly AutoencoderClassifierOptions options;
    private readonly Corruption corruption;

    /// <summary>Creates the trainer. Prefer <c>mlContext.MulticlassClassification.Trainers.AutoencoderClassifier(options)</c>.</summary>
    /// <param name="mlContext">Supplies the seed (when <see cref="AutoencoderClassifierOptions.Seed"/> is null) and the log.</param>
    /// <param name="options">What to train; read now, so later changes to it do not affect this trainer.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public AutoencoderClassifierTrainer(MLContext mlContext, AutoencoderClassifierOptions options)
        : this(mlContext ?? throw new ArgumentNullException(nameof(mlContext)), mlContext.Transforms, options)
    {
    }

    internal AutoencoderClassifierTrainer(IHostEnvironment environment, TransformsCatalog transforms, AutoencoderClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.environment = environment;
        this.transforms = transforms;
        host = environment.Register(nameof(AutoencoderClassifierTrainer));
        corruption = Validate(options);
        this.options = Copy(options);
    }

    private static Corruption Validate(AutoencoderClassifierOptions o)
    {
        if (string.IsNullOrEmpty(o.FeatureColumnName)) throw new ArgumentException("FeatureColumnName must be set.", nameof(o.FeatureColumnName));
        if (string.IsNullOrEmpty(o.LabelColumnName)) throw new ArgumentException("LabelColumnName must be set.", nameof(o.LabelColumnName));
        if (o.LatentColumnName is "" or "Score" or "PredictedLabel")
            throw new ArgumentException($"LatentColumnName '{o.LatentColumnName}' is empty or clashes with the Score or PredictedLabel column.", nameof(o.LatentColumnName));
        if (!Enum.IsDefined(o.Method)) throw new ArgumentOutOfRangeException(nameof(o.Method), o.Method, "Unknown method.");
        if (o.HeadHiddenLayerSizes is null || o.HeadHiddenLayerSizes.Any(s => s <= 0))
            throw new ArgumentOutOfRangeException(nameof(o.HeadHiddenLayerSizes), "HeadHiddenLayerSizes must be given (empty for a linear head), every size at least 1.");
        if (o.ReconstructionWeight is double l && !(l >= 0 && double.IsFinite(l)))
            throw new ArgumentOutOfRangeException(nameof(o.ReconstructionWeight), l, "ReconstructionWeight must be 0 or more.");
        if (o.UnlabelledWeight is double u && !(u >= 0 && double.IsFinite(u)))
            throw new ArgumentOutOfRangeException(nameof(o.UnlabelledWeight), u, "UnlabelledWeight must be 0 or more.");
        if (!(o.ConfidenceThreshold > 0 && o.ConfidenceThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(o.ConfidenceThreshold), o.ConfidenceThreshold, "ConfidenceThreshold must lie in (0, 1].");
        var kind = o.Corruption ?? Defaults.Corruption(o.Method);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(o.Corruption), o.Corruption, "Unknown corruption.");
        double level = o.CorruptionLevel ?? Defaults.CorruptionLevel(o.Method);
        if (!(level >= 0) || (kind != CorruptionKind.Gaussian && level > 1) || !double.IsFinite(level))
            throw new ArgumentOutOfRangeException(nameof(o.CorruptionLevel), level,
                "CorruptionLevel must be 0 or more (a standard deviation), and at most 1 for Masking and SaltAndPepper (a fraction).");
        if (o.Dropout is double d && !(d >= 0 && d < 1))
            throw new ArgumentOutOfRangeException(nameof(o.Dropout), d, "Dropout must lie in [0, 1).");
        if (!(o.TeacherDecay >= 0 && o.TeacherDecay < 1))
            throw new ArgumentOutOfRangeException(nameof(o.TeacherDecay), o.TeacherDecay, "TeacherDecay must lie in [0, 1).");
        if (!(o.MixupAlpha > 0 && double.IsFinite(o.MixupAlpha)))
            throw new ArgumentOutOfRangeException(nameof(o.MixupAlpha), o.MixupAlpha, "MixupAlpha must be positive.");
        if (o.EncoderLearningRate is double e && !(e >= 0 && double.IsFinite(e)))
            throw new ArgumentOutOfRangeException(nameof(o.EncoderLearningRate), e, "EncoderLearningRate must be 0 or more (0 freezes the encoder).");
        if (!(o.HeadLearningRate > 0 && double.IsFinite(o.HeadLearningRate)))
            throw new ArgumentOutOfRangeException(nameof(o.HeadLearningRate), o.HeadLearningRate, "HeadLearningRate must be positive.");
        if (o.Epochs is <= 0) throw new ArgumentOutOfRangeException(nameof(o.Epochs), o.Epochs, "Epochs must be at least 1 (or null: about 1,600 steps).");
        if (o.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(o.BatchSize), o.BatchSize, "BatchSize must be at least 1.");
        if (o.LabelledBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(o.LabelledBatchSize), o.LabelledBatchSize, "LabelledBatchSize must be at least 1.");
        if (!(o.ValidationFraction >= 0 && o.ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(o.ValidationFraction), o.ValidationFraction, "ValidationFraction must lie in [0, 1).");
        if (o.EarlyStoppingPatience <= 0) throw new ArgumentOutOfRangeException(nameof(o.EarlyStoppingPatience), o.EarlyStoppingPatience, "EarlyStoppingPatience must be at least 1.");
        if (o.ClassWeights is { } w && w.Any(v => !(v > 0 && float.IsFinite(v))))
            throw new ArgumentOutOfRangeException(nameof(o.ClassWeights), "Every class weight must be positive and finite.");
        if (o.NumberOfThreads is <= 0) throw new ArgumentOutOfRangeException(nameof(o.NumberOfThreads), o.NumberOfThreads, "NumberOfThreads must be at least 1.");
        if (o.PretrainedAutoencoder is { Convolution: not null })
            throw new ArgumentException("PretrainedAutoencoder is convolutional; the classifier takes a fully connected autoencoder.", nameof(o.PretrainedAutoencoder));
        if (o.PretrainedAutoencoder is null && o.Pretraining is { } pretraining)
        {
            CheckFullyConnectedInMemory(pretraining, nameof(o.Pretraining), "autoencoder");
            if (pretraining is DenoisingAutoencoderOptions denoising) DenoisingAutoencoderEstimator.Validate(denoising);
        }
        if (o.PretrainedAutoencoder is not null && o.PretrainedVae is not null)
            throw new ArgumentException("Both PretrainedAutoencoder and PretrainedVae are set; give the classifier one model to start from.", nameof(o.PretrainedVae));
        if (o.Pretraining is not null && o.VaePretraining is not null)
            throw new ArgumentException("Both Pretraining and VaePretraining are set; choose one kind of pretraining.", nameof(o.VaePretraining));
        if (o.PretrainedVae is { Convolution: not null })
            throw new ArgumentException("PretrainedVae is convolutional; the classifier takes a fully connected VAE.", nameof(o.PretrainedVae));
        if (o.PretrainedAutoencoder is null && o.PretrainedVae is null && o.VaePretraining is { } vae)
        {
            CheckFullyConnectedInMemory(vae, nameof(o.VaePretraining), "VAE");
            VaeEstimator.Validate(vae);
        }
        return new Corruption(kind, level, level, null, null);
    }

    /// <summary>The classifier pretrains on the rows it holds, with a fully connected network: refuses pretraining options
    /// (named <paramref name="name"/>) that ask for a convolutional front or streamed rows.</summary>
    private static void CheckFullyConnectedInMemory(AutoencoderOptionsBase pretraining, string name, string kind)
    {
        if (pretraining.Convolution is not null)
            throw new ArgumentException($"{name} has Convolution set; the classifier takes a fully connected {kind}.", name);
        if (pretraining.StreamTrainingData)
            throw new ArgumentException($"{name} has StreamTrainingData set; the classifier holds the rows in memory.", name);
    }

    private static AutoencoderClassifierOptions Copy(AutoencoderClassifierOptions o) => new()
    {
        FeatureColumnName = o.FeatureColumnName,
        LabelColumnName = o.LabelColumnName,
        LatentColumnName = o.LatentColumnName,
        Method = o.Method,
        Pretraining = o.Pretraining,
        PretrainedAutoencoder = o.PretrainedAutoencoder,
        VaePretraining = o.VaePretraining,
        PretrainedVae = o.PretrainedVae,
        HeadHiddenLayerSizes = (int[])o.HeadHiddenLayerSizes.Clone(),
        ReconstructionWeight = o.ReconstructionWeight,
        UnlabelledWeight = o.UnlabelledWeight,
        ConfidenceThreshold = o.ConfidenceThreshold,
        Corruption = o.Corruption,
        CorruptionLevel = o.CorruptionLevel,
        Dropout = o.Dropout,
        TeacherDecay = o.TeacherDecay,
        MixupAlpha = o.MixupAlpha,
        EncoderLearningRate = o.EncoderLearningRate,
        HeadLearningRate = o.HeadLearningRate,
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        LabelledBatchSize = o.LabelledBatchSize,
        ValidationFraction = o.ValidationFraction,
        EarlyStoppingPatience = o.EarlyStoppingPatience,
        ClassWeights = (float[]?)o.ClassWeights?.Clone(),
        Seed = o.Seed,
        NumberOfThreads = o.NumberOfThreads,
        EpochCallback = o.EpochCallback,
        CancellationToken = o.CancellationToken,
    };

    /// <summary>Pretrains (unless given a fitted autoencoder) and trains the classifier on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a known-size vector of Single, or the
    /// label column is missing or not a key.</exception>
    /// <exception cref="InvalidOperationException">No row has a label, the features hold NaN or infinity, or training diverged.</exception>
    public AutoencoderClassifierTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string featureColumn = options.FeatureColumnName, labelColumn = options.LabelColumnName;
        int inputSize = FeatureColumn.GetVectorSize(input.Schema, featureColumn, "the autoencoder classifier", nameof(input));
        var label = CheckLabel(input.Schema, labelColumn);
        int classes = (int)((KeyDataViewType)label.Type).Count;
        if (options.ClassWeights is { } w && w.Length != classes)
            throw new ArgumentOutOfRangeException(nameof(options.ClassWeights),
                $"ClassWeights has {w.Length} weights, but column '{labelColumn}' has {classes} classes.");
        if (options.PretrainedAutoencoder is { } given && given.InputSize != inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.PretrainedAutoencoder),
                $"Column '{featureColumn}' has {inputSize} features, but PretrainedAutoencoder expects {given.InputSize}.");
        if (options.PretrainedVae is { } givenVae && givenVae.InputSize != inputSize)
            throw new ArgumentOutOfRangeException(nameof(options.PretrainedVae),
                $"Column '{featureColumn}' has {inputSize} features, but PretrainedVae expects {givenVae.InputSize}.");

        using var channel = host.Start("Autoencoder classifier training");
        int seed = options.Seed ?? host.Rand.Next();
        var matrix = FeatureColumn.Read(input, featureColumn, inputSize, CheckAlive);
        var labels = ReadLabels(input, label, matrix.Rows);
        int labelled = labels.Count(l => l >= 0);
        if (labelled == 0)
            throw new InvalidOperationException(
                $"Column '{labelColumn}' has no labelled row among {matrix.Rows}: the classifier needs at least one row whose key is not missing.");
        var counts = new int[classes];
        foreach (int l in labels) if (l >= 0) counts[l]++;
        var empty = Enumerable.Range(0, classes).Where(k => counts[k] == 0).ToArray();
        if (empty.Length > 0)
            channel.Warning(MessageSensitivity.None, $"Column '{labelColumn}': {empty.Length} of {classes} classes have no labelled row (keys {string.Join(", ", empty.Select(k => k + 1))}); they keep their Score slot but are (almost) never predicted.");
        if (labelled < classes)
            channel.Warning(MessageSensitivity.None, $"Column '{labelColumn}' has {labelled} labelled rows for {classes} classes.");

        if (options.NumberOfThreads is int threads) TorchSharp.torch.set_num_threads(threads);
        var (pretrained, loss) = Pretrain(input, featureColumn, seed, channel, matrix);
        double reconstructionWeight = options.ReconstructionWeight ?? (options.Method == SemiSupervisedMethod.Joint ? 1 : 0);
        var method = options.Method;
        int epochs = options.Epochs ?? DefaultEpochs(matrix.Rows, options.BatchSize, method);
        var settings = new ClassifierSettings(method, options.HeadHiddenLayerSizes, reconstructionWeight,
            options.UnlabelledWeight ?? Defaults.UnlabelledWeight(method), options.ConfidenceThreshold, corruption,
            options.Dropout ?? Defaults.Dropout(method), options.TeacherDecay, options.MixupAlpha,
            options.EncoderLearningRate ?? Defaults.EncoderLearningRate(method), options.HeadLearningRate, epochs, options.BatchSize,
            options.LabelledBatchSize, options.ValidationFraction, options.EarlyStoppingPatience, options.ClassWeights, loss, seed);
        channel.Info(MessageSensitivity.None,
            $"Training a {string.Join("-", pretrained.Architecture.LayerSizes)} encoder with a {string.Join("-", [pretrained.Architecture.LatentSize, .. options.HeadHiddenLayerSizes, classes])} head " +
            $"({options.Method}) on {matrix.Rows} rows, {labelled} labelled, of column '{featureColumn}'.");
        var result = ClassifierTrainer.Train(matrix.Values, matrix.Rows, matrix.Columns, labels, classes, pretrained, settings, report =>
        {
            channel.Info(MessageSensitivity.None, report.ToString());
            options.EpochCallback?.Invoke(report);
        }, CheckAlive);

        var info = new ClassifierModelInfo
        {
            FeatureColumn = featureColumn,
            LabelColumn = labelColumn,
            LogitsColumn = LogitsColumnName,
            LatentColumn = options.LatentColumnName,
            EncoderSizes = result.Weights.EncoderSizes,
            HeadSizes = result.Weights.HeadSizes,
            Activation = result.Weights.Activation,
            Method = options.Method,
            Seed = seed,
            TrainingRows = matrix.Rows,
            LabelledRows = result.TrainLabelledRows,
            ValidationRows = result.ValidationRows,
            BestEpoch = result.BestEpoch,
            History = result.History.Select(h => new ClassifierEpochRecord(h.Epoch, h.TotalEpochs, h.TrainLoss, h.ClassificationLoss, h.ValidationAccuracy, h.Elapsed.TotalSeconds, h.IsBest)).ToArray(),
        };
        var scorer = MLContextAccess.SoftmaxScorer(environment, ScorerSchema(label, classes), LogitsColumnName, labelColumn, classes);
        return new AutoencoderClassifierTransformer(transforms, info, result.Weights, scorer);
    }

    /// <summary>Epochs of about <see cref="Defaults.Steps"/> steps of <paramref name="method"/> over <paramref name="rows"/> rows.</summary>
    internal static int DefaultEpochs(int rows, int batchSize, SemiSupervisedMethod method = SemiSupervisedMethod.FineTune)
    {
        int stepsPerEpoch = (rows + batchSize - 1) / batchSize;
        return (Defaults.Steps(method, stepsPerEpoch) + stepsPerEpoch - 1) / stepsPerEpoch;
    }

    /// <summary>The internal column of class logits between the network and ML.NET's scorer (dropped from the output).</summary>
    internal const string LogitsColumnName = "Score.Logits";

    private static DataViewSchema ScorerSchema(DataViewSchema.Column label, int classes)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(LogitsColumnName, new VectorDataViewType(NumberDataViewType.Single, classes));
        builder.AddColumn(label.Name, label.Type, label.Annotations);
        return builder.ToSchema();
    }

    /// <summary>The VAE pretrained when no pretraining is given and every feature lies in [0, 1]: the autoencoder default's
    /// shape (hidden 512-256, latent 32) with a Bernoulli likelihood, <see cref="Defaults.VaePretrainingEpochs"/> epochs.</summary>
    internal static VaeOptions DefaultVaePretraining() => new()
    {
        HiddenLayerSizes = (int[])AutoencoderEstimator.Defaults.HiddenLayerSizes.Clone(),
        LatentDimension = AutoencoderEstimator.Defaults.LatentDimension,
        Likelihood = VaeLikelihood.Bernoulli,
        Epochs = Defaults.VaePretrainingEpochs,
    };

    private (MlpWeights Weights, ReconstructionLoss Loss) Pretrain(IDataView input, string featureColumn, int seed, IChannel channel, FeatureMatrix matrix)
    {
        if (options.PretrainedAutoencoder is { } given)
        {
            channel.Info(MessageSensitivity.None, $"Starting from the given {string.Join("-", given.LayerSizes)} autoencoder.");
            return (given.Weights, given.Info.Loss);
        }
        if (options.PretrainedVae is { } givenVae)
        {
            channel.Info(MessageSensitivity.None, $"Starting from the given {string.Join("-", givenVae.LayerSizes)} VAE's encoder (latent mean) and decoder.");
            return AsAutoencoder(givenVae.Weights);
        }
        // Nothing given: a VAE for features in [0, 1] (it measured best: SEMI-SUPERVISED.md, "Starting from a VAE"), else an autoencoder.
        var vaeSource = options.VaePretraining ?? (options.Pretraining is null && matrix.Range() is ( >= 0, <= 1) ? DefaultVaePretraining() : null);
        if (vaeSource is not null)
        {
            var vaeCopy = vaeSource.Clone();
            PrepareForPretraining(vaeCopy, featureColumn, seed);
            vaeCopy.LogVarianceColumnName = null;
            vaeCopy.ScoreColumnName = null;
            vaeCopy.Output = VaeOutput.Mean;
            channel.Info(MessageSensitivity.None, "Pretraining the VAE on every row.");
            using var vae = new VaeEstimator(environment, transforms, vaeCopy).Fit(input);
            return AsAutoencoder(vae.Weights);
        }
        var source = options.Pretraining ?? new AutoencoderOptions { Epochs = Defaults.PretrainingEpochs };
        var corruptionOfPretraining = source is DenoisingAutoencoderOptions denoising ? DenoisingAutoencoderEstimator.Validate(denoising) : null;
        var copy = source.Clone();
        PrepareForPretraining(copy, featureColumn, seed);
        copy.ReconstructionErrorColumnName = null;
        channel.Info(MessageSensitivity.None, "Pretraining the autoencoder on every row.");
        using var autoencoder = new AutoencoderEstimator(environment, transforms, copy, corruptionOfPretraining).Fit(input);
        return (autoencoder.Weights, copy.Loss);
    }

    /// <summary>Pretraining reads the feature column, writes only a latent column nobody sees, and takes the classifier's
    /// seed, threads and cancellation unless its own options set them.</summary>
    private void PrepareForPretraining(AutoencoderOptionsBase pretraining, string featureColumn, int seed)
    {
        pretraining.InputColumnName = featureColumn;
        pretraining.OutputColumnName = featureColumn + ".Latent";
        pretraining.ReconstructionColumnName = null;
        pretraining.Seed ??= seed;
        pretraining.NumberOfThreads ??= options.NumberOfThreads;
        if (pretraining.CancellationToken == default) pretraining.CancellationToken = options.CancellationToken;
    }

    /// <summary>A VAE read as the autoencoder the classifier starts from: the encoder up to the latent mean, the decoder,
    /// and the reconstruction error of its likelihood.</summary>
    private static (MlpWeights Weights, ReconstructionLoss Loss) AsAutoencoder(VaeWeights vae) =>
        (vae.MeanAutoencoder(), vae.Architecture.Likelihood == VaeLikelihood.Bernoulli ? ReconstructionLoss.BinaryCrossEntropy : ReconstructionLoss.MeanSquaredError);

    private static DataViewSchema.Column CheckLabel(DataViewSchema schema, string labelColumn)
    {
        var column = schema.GetColumnOrNull(labelColumn)
            ?? throw new ArgumentOutOfRangeException("input",
                $"Column '{labelColumn}' is not in the data. Columns present: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentOutOfRangeException("input",
                $"Column '{labelColumn}' is of type {column.Type}, but the autoencoder classifier needs a key-typed label (unlabelled rows: the missing key). Convert it with mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumn}\").");
        if (key.Count < 2 || key.Count > 100_000)
            throw new ArgumentOutOfRangeException("input", $"Column '{labelColumn}' is a key of {key.Count} values; the classifier needs 2 to 100,000 classes.");
        return column;
    }

    /// <summary>Per row: the class index from 0, or -1 for the missing key.</summary>
    private int[] ReadLabels(IDataView input, DataViewSchema.Column label, int rows)
    {
        var labels = new int[rows];
        int i = 0;
        using var cursor = input.GetRowCursor([label]);
        Func<ulong> get = label.Type.RawType switch
        {
            var t when t == typeof(uint) => Getter<uint>(cursor, label, v => v),
            var t when t == typeof(byte) => Getter<byte>(cursor, label, v => v),
            var t when t == typeof(ushort) => Getter<ushort>(cursor, label, v => v),
            _ => Getter<ulong>(cursor, label, v => v),
        };
        while (cursor.MoveNext())
        {
            if ((i & 1023) == 0) CheckAlive();
            if (i >= rows) throw new InvalidOperationException("The input data returned more label rows than feature rows; the classifier needs data that reads the same each time.");
            labels[i++] = (int)get() - 1;
        }
        if (i != rows) throw new InvalidOperationException("The input data returned fewer label rows than feature rows; the classifier needs data that reads the same each time.");
        return labels;
    }

    private static Func<ulong> Getter<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, ulong> widen)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return widen(value);
        };
    }

    private void CheckAlive()
    {
        if (options.CancellationToken.IsCancellationRequested)
            throw new OperationCanceledException("Autoencoder classifier training was canceled.", options.CancellationToken);
    }

    /// <summary>The schema after fitting: the input's columns plus Score, PredictedLabel (and the latent when asked for).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is not a known-size vector of Single or the label is not a key.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        // ML.NET's own softmax trainer checks the columns and describes Score and PredictedLabel exactly as ours are.
        var shape = new MLContext().MulticlassClassification.Trainers
            .LbfgsMaximumEntropy(options.LabelColumnName, options.FeatureColumnName).GetOutputSchema(inputSchema);
        return options.LatentColumnName is null ? shape
            : AddedColumnShapes.Append(transforms, shape, options.FeatureColumnName, "the autoencoder classifier", [options.LatentColumnName]);
    }
}
