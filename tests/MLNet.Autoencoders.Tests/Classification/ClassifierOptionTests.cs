using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Classification;

/// <summary>Every public option of the autoencoder classifier changes what it does.</summary>
public class ClassifierOptionTests
{
    private static float[][] Probabilities(Action<AutoencoderClassifierOptions>? change, Func<MLContext, IDataView>? train = null)
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(change)).Fit((train ?? (m => FewLabels.Train(m)))(ml));
        return ColumnReader.ReadVectors(model.Transform(FewLabels.Test(ml)), "Score");
    }

    private static bool Differ(float[][] a, float[][] b) => a.Zip(b).Any(p => p.First.Zip(p.Second).Any(q => Math.Abs(q.First - q.Second) > 1e-4));

    public static TheoryData<string> Changes => new()
    {
        "Method.FineTune", "Method.Joint", "Method.Consistency", "Method.MeanTeacher", "Method.InterpolationConsistency", "HeadHiddenLayerSizes", "ReconstructionWeight", "UnlabelledWeight",
        "ConfidenceThreshold", "Corruption", "CorruptionLevel", "EncoderLearningRate", "HeadLearningRate", "Epochs", "BatchSize",
        "LabelledBatchSize", "ValidationFraction", "ClassWeights", "Seed", "Dropout",
    };

    /// <summary>The options only the teacher methods read, each changed from an interpolation-consistency baseline (and the
    /// method defaults they share, changed to other values).</summary>
    public static TheoryData<string> TeacherChanges => new()
    {
        "TeacherDecay", "MixupAlpha", "Dropout", "Corruption", "CorruptionLevel", "UnlabelledWeight", "EncoderLearningRate", "Method.MeanTeacher",
    };

    private static void TeacherBaseline(AutoencoderClassifierOptions o) => o.Method = SemiSupervisedMethod.InterpolationConsistency;

    // The baseline uses pseudo-labels and keeps their term active on this tiny model (a low threshold), so its settings matter.
    private static void Baseline(AutoencoderClassifierOptions o)
    {
        o.Method = SemiSupervisedMethod.PseudoLabels;
        o.ConfidenceThreshold = 0.2;
    }

    private static void Apply(string change, AutoencoderClassifierOptions o)
    {
        switch (change)
        {
            case "Method.FineTune": o.Method = SemiSupervisedMethod.FineTune; break;
            case "Method.Joint": o.Method = SemiSupervisedMethod.Joint; break;
            case "Method.Consistency": o.Method = SemiSupervisedMethod.Consistency; break;
            case "Method.MeanTeacher": o.Method = SemiSupervisedMethod.MeanTeacher; break;
            case "Method.InterpolationConsistency": o.Method = SemiSupervisedMethod.InterpolationConsistency; break;
            case "Dropout": o.Dropout = 0.3; break;
            case "TeacherDecay": o.TeacherDecay = 0.5; break;
            case "MixupAlpha": o.MixupAlpha = 0.2; break;
            case "HeadHiddenLayerSizes": o.HeadHiddenLayerSizes = [16]; break;
            case "ReconstructionWeight": o.ReconstructionWeight = 1; break;
            case "UnlabelledWeight": o.UnlabelledWeight = 3; break;
            case "ConfidenceThreshold": o.ConfidenceThreshold = 0.5; break;
            case "Corruption": o.Corruption = CorruptionKind.Gaussian; break;
            case "CorruptionLevel": o.CorruptionLevel = 0.6; break;
            case "EncoderLearningRate": o.EncoderLearningRate = 1e-2; break;
            case "HeadLearningRate": o.HeadLearningRate = 3e-3; break;
            case "Epochs": o.Epochs = 4; break;
            case "BatchSize": o.BatchSize = 50; break;
            case "LabelledBatchSize": o.LabelledBatchSize = 16; break;
            case "ValidationFraction": o.ValidationFraction = 0.2; break;
            case "ClassWeights": o.ClassWeights = [5, 1, 1, 1, 1, 1, 1, 1, 1, 1]; break;
            case "Seed": o.Seed = 7; break;
            default: throw new ArgumentException(change);
        }
    }

    // Trained once for every option: training is deterministic (checked below), so one baseline serves them all.
    private static readonly Lazy<float[][]> BaselineProbabilities = new(() => Probabilities(Baseline));

    [Fact]
    public void The_same_options_give_the_same_model()
    {
        Assert.False(Differ(BaselineProbabilities.Value, Probabilities(Baseline)), "the same options must give the same model");
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changing_the_option_changes_the_model(string change)
    {
        Assert.True(Differ(BaselineProbabilities.Value, Probabilities(o => { Baseline(o); Apply(change, o); })), $"{change} changed nothing");
    }

    private static readonly Lazy<float[][]> TeacherBaselineProbabilities = new(() => Probabilities(TeacherBaseline));

    [Theory]
    [MemberData(nameof(TeacherChanges))]
    public void Changing_a_teacher_option_changes_the_model(string change)
    {
        Assert.False(Differ(TeacherBaselineProbabilities.Value, Probabilities(TeacherBaseline)), "the same options must give the same model");
        Assert.True(Differ(TeacherBaselineProbabilities.Value, Probabilities(o =>
        {
            TeacherBaseline(o);
            // Gaussian is the teacher methods' default corruption; masking is the change there.
            if (change == "Corruption") o.Corruption = CorruptionKind.Masking;
            else Apply(change, o);
        })), $"{change} changed nothing");
    }

    [Fact]
    public void Method_defaults_are_spelled_out_and_giving_them_explicitly_changes_nothing()
    {
        static void Explicit(AutoencoderClassifierOptions o)
        {
            TeacherBaseline(o);
            o.UnlabelledWeight = 10;
            o.Corruption = CorruptionKind.Gaussian;
            o.CorruptionLevel = 0.2;
            o.Dropout = 0.2;
            o.EncoderLearningRate = 3e-4;
        }
        // The implicit side leaves the method at its default too: interpolation consistency.
        Assert.False(Differ(Probabilities(o => o.EncoderLearningRate = null), Probabilities(Explicit)));
    }

    [Theory]
    [InlineData(60000, 256, 7)]
    [InlineData(12000, 256, 35)]
    [InlineData(300, 32, 160)]
    public void Default_epochs_give_about_1600_steps(int rows, int batchSize, int epochs) =>
        Assert.Equal(epochs, AutoencoderClassifierTrainer.DefaultEpochs(rows, batchSize));

    [Theory]
    [InlineData(60000, 256, 35)]   // 8,225 steps: at most about 8,000
    [InlineData(12000, 256, 35)]   // 1,645 steps
    [InlineData(8000, 256, 50)]    // 35 epochs would be 1,120 steps: at least about 1,600
    [InlineData(600, 256, 534)]
    public void Teacher_methods_default_to_35_epochs_within_1600_to_8000_steps(int rows, int batchSize, int epochs)
    {
        Assert.Equal(epochs, AutoencoderClassifierTrainer.DefaultEpochs(rows, batchSize, SemiSupervisedMethod.InterpolationConsistency));
        Assert.Equal(epochs, AutoencoderClassifierTrainer.DefaultEpochs(rows, batchSize, SemiSupervisedMethod.MeanTeacher));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.2)]
    [InlineData(3.0)]
    public void Mixing_weights_follow_the_beta_distribution(double alpha)
    {
        // Beta(α, α): mean 1/2, variance 1 / (4 (2α + 1)).
        var random = new Random(4);
        var draws = Enumerable.Range(0, 20000).Select(_ => MLNet.Autoencoders.Training.ClassifierTrainer.Beta(random, alpha)).ToArray();
        Assert.All(draws, d => Assert.InRange(d, 0, 1));
        double mean = draws.Average(), variance = draws.Select(d => (d - mean) * (d - mean)).Average();
        Assert.InRange(mean, 0.49, 0.51);
        Assert.InRange(variance, 0.95 / (4 * (2 * alpha + 1)), 1.05 / (4 * (2 * alpha + 1)));
    }

    [Fact]
    public void Joint_trains_the_decoder_by_default_and_not_with_reconstruction_weight_zero()
    {
        var joint = Probabilities(o => o.Method = SemiSupervisedMethod.Joint);
        Assert.True(Differ(joint, Probabilities(o => { o.Method = SemiSupervisedMethod.Joint; o.ReconstructionWeight = 0; })));
    }

    [Fact]
    public void A_frozen_encoder_writes_the_pretrained_latent_and_class_weights_shift_predictions()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        var test = FewLabels.Test(ml);
        using var frozen = ml.MulticlassClassification.Trainers.AutoencoderClassifier(
            FewLabels.Options(o => { o.EncoderLearningRate = 0; o.LatentColumnName = "Code"; })).Fit(train);
        AutoencoderClassifierTests.AssertClose(ColumnReader.ReadVectors(FewLabels.Autoencoder.Transform(test), "Latent"),
            ColumnReader.ReadVectors(frozen.Transform(test), "Code"));

        using var weighted = ml.MulticlassClassification.Trainers.AutoencoderClassifier(
            FewLabels.Options(o => o.ClassWeights = [20, 1, 1, 1, 1, 1, 1, 1, 1, 1])).Fit(train);
        using var plain = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options()).Fit(train);
        int Firsts(AutoencoderClassifierTransformer m) => m.Transform(test).GetColumn<uint>("PredictedLabel").Count(k => k == 1);
        Assert.True(Firsts(weighted) > Firsts(plain), $"class weight 20 on the first class: {Firsts(weighted)} vs {Firsts(plain)} predictions of it");
    }

    [Fact]
    public void Pretraining_options_choose_the_autoencoder_that_is_trained_first()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        var pretraining = FewLabels.PretrainingOptions();
        pretraining.LatentDimension = 6;
        pretraining.InputColumnName = null;
        using var plain = ml.MulticlassClassification.Trainers.AutoencoderClassifier(
            FewLabels.Options(o => { o.PretrainedAutoencoder = null; o.Pretraining = pretraining; })).Fit(train);
        Assert.Equal([784, 32, 6], plain.EncoderLayerSizes);
        Assert.Equal([6, 10], plain.HeadLayerSizes);

        var denoising = new DenoisingAutoencoderOptions { HiddenLayerSizes = [32], LatentDimension = 6, Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Seed = 1, Corruption = CorruptionKind.Masking };
        using var fromDenoising = ml.MulticlassClassification.Trainers.AutoencoderClassifier(
            FewLabels.Options(o => { o.PretrainedAutoencoder = null; o.Pretraining = denoising; })).Fit(train);
        var test = FewLabels.Test(ml);
        Assert.True(Differ(ColumnReader.ReadVectors(plain.Transform(test), "Score"), ColumnReader.ReadVectors(fromDenoising.Transform(test), "Score")));
        // The user's pretraining options are not changed.
        Assert.Null(pretraining.InputColumnName);
        Assert.Equal("Latent", pretraining.OutputColumnName);
    }

    [Fact]
    public void Epoch_callback_reports_every_epoch_and_validation_accuracy_under_early_stopping()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<ClassifierEpochReport>();
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.ValidationFraction = 0.3;
            o.EpochCallback = reports.Add;
        })).Fit(FewLabels.Train(ml));
        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.InRange(r.ValidationAccuracy!.Value, 0, 1));
        Assert.Equal(reports.Select(r => r.Epoch), model.TrainingHistory.Select(r => r.Epoch));
        Assert.Equal(reports.Where(r => r.IsBest).Max(r => r.Epoch), model.BestEpoch);

        // A model that cannot improve (frozen encoder, a vanishing head rate) stops after the patience runs out.
        var stopped = new List<ClassifierEpochReport>();
        using var _ = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.ValidationFraction = 0.3;
            o.Epochs = 10;
            o.EncoderLearningRate = 0;
            o.HeadLearningRate = 1e-12;
            o.EarlyStoppingPatience = 2;
            o.EpochCallback = stopped.Add;
        })).Fit(FewLabels.Train(ml));
        Assert.Equal(3, stopped.Count);
    }

    [Fact]
    public void Column_names_are_taken_from_the_options()
    {
        var ml = new MLContext(seed: 1);
        var renamed = ml.Transforms.CopyColumns("Pixels", "Features").Append(ml.Transforms.CopyColumns("Class", "Label"))
            .Append(ml.Transforms.DropColumns("Features", "Label")).Fit(FewLabels.Train(ml)).Transform(FewLabels.Train(ml));
        Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options()).Fit(renamed));
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.FeatureColumnName = "Pixels";
            o.LabelColumnName = "Class";
        })).Fit(renamed);
        Assert.Equal("Pixels", model.FeatureColumnName);
        Assert.Equal(renamed.Schema["Class"].Type, model.GetOutputSchema(renamed.Schema)["PredictedLabel"].Type);
    }

    [Fact]
    public void Cancellation_and_threads_are_honoured()
    {
        var ml = new MLContext(seed: 1);
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.CancellationToken = canceled.Token)).Fit(FewLabels.Train(ml)));
        int before = TorchSharp.torch.get_num_threads();
        try
        {
            using var _ = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.NumberOfThreads = 1)).Fit(FewLabels.Train(ml));
            Assert.Equal(1, TorchSharp.torch.get_num_threads());
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
    }
}
