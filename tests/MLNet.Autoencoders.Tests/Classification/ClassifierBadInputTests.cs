using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Classification;

/// <summary>What the autoencoder classifier does with data it cannot learn from, or can learn little from.</summary>
public class ClassifierBadInputTests
{
    private static AutoencoderClassifierTransformer Fit(MLContext ml, IDataView data, Action<AutoencoderClassifierOptions>? change = null) =>
        ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(change)).Fit(data);

    [Fact]
    public void No_labelled_row_is_refused_naming_the_label_column()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<InvalidOperationException>(() => Fit(ml, FewLabels.Train(ml, _ => false)));
        Assert.Contains("Column 'Label' has no labelled row among 300", e.Message);
    }

    [Fact]
    public void A_label_that_is_not_a_key_is_refused_with_the_fix()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNet.Autoencoders.Data.FashionMnist.LoadEmbedded(ml, 50);   // Label is a Single
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fit(ml, data));
        Assert.Contains("Column 'Label' is of type Single", e.Message);
        Assert.Contains("MapValueToKey", e.Message);
        // The estimator's schema check refuses it as well.
        Assert.ThrowsAny<ArgumentException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier().GetOutputSchema(Shapes.Of(data.Schema)));
    }

    [Fact]
    public void NaN_features_are_refused_naming_row_and_slot()
    {
        var ml = new MLContext(seed: 1);
        var data = FewLabels.ToKey(ml).Transform(FewLabels.View(ml, 0, 100, _ => true, (i, f) => { if (i == 7) f[3] = float.NaN; }));
        var e = Assert.Throws<InvalidOperationException>(() => Fit(ml, data));
        Assert.Contains("Column 'Features' has a NaN value in row 7 (slot 3)", e.Message);
    }

    [Fact]
    public void A_class_without_labelled_rows_keeps_its_slot_but_is_hardly_predicted()
    {
        var ml = new MLContext(seed: 1);
        const int ankleBoot = 9;
        using var model = Fit(ml, FewLabels.Train(ml, i => FewLabels.TrainLabels[i] != ankleBoot));
        var scored = model.Transform(FewLabels.Test(ml));
        Assert.Equal(10, ColumnReader.ReadVectors(scored, "Score")[0].Length);
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        int bootsInTest = FewLabels.TestLabels.Count(l => l == ankleBoot);
        Assert.True(bootsInTest >= 10, "the test rows should hold ankle boots");
        Assert.True(predicted.Count(k => k == ankleBoot + 1) <= bootsInTest / 4,
            $"{predicted.Count(k => k == ankleBoot + 1)} rows predicted as the class without labels (of {bootsInTest} true ones)");
    }

    [Fact]
    public void Fewer_labelled_rows_than_classes_still_train_and_predict_the_seen_classes()
    {
        var ml = new MLContext(seed: 1);
        using var model = Fit(ml, FewLabels.Train(ml, i => i < 3));
        var seen = FewLabels.TrainLabels.Take(3).Select(l => (uint)l + 1).ToHashSet();
        var predicted = model.Transform(FewLabels.Test(ml)).GetColumn<uint>("PredictedLabel").ToArray();
        Assert.True(predicted.Count(seen.Contains) >= predicted.Length * 9 / 10,
            $"only {predicted.Count(seen.Contains)} of {predicted.Length} predictions are among the {seen.Count} labelled classes");
    }

    [Fact]
    public void Wrong_feature_size_is_refused_at_fit_and_at_transform()
    {
        var ml = new MLContext(seed: 1);
        var narrow = ml.Transforms.Concatenate("Features", "Features", "Features")
            .Append(ml.Transforms.DropColumns("Name")).Fit(FewLabels.Train(ml)).Transform(FewLabels.Train(ml));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fit(ml, narrow));
        Assert.Contains("Column 'Features' has 1568 features, but PretrainedAutoencoder expects 784", e.Message);
        using var model = Fit(ml, FewLabels.Train(ml));
        var t = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(narrow));
        Assert.Contains("Column 'Features' has 1568 features, but the autoencoder classifier expects 784", t.Message);
    }

    [Fact]
    public void Class_weights_of_the_wrong_length_are_refused()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fit(ml, FewLabels.Train(ml), o => o.ClassWeights = [1, 2, 3]));
        Assert.Contains("ClassWeights has 3 weights, but column 'Label' has 10 classes", e.Message);
    }

    [Theory]
    [InlineData("HeadHiddenLayerSizes")]
    [InlineData("ReconstructionWeight")]
    [InlineData("UnlabelledWeight")]
    [InlineData("ConfidenceThreshold")]
    [InlineData("CorruptionLevel")]
    [InlineData("EncoderLearningRate")]
    [InlineData("HeadLearningRate")]
    [InlineData("Epochs")]
    [InlineData("BatchSize")]
    [InlineData("LabelledBatchSize")]
    [InlineData("ValidationFraction")]
    [InlineData("EarlyStoppingPatience")]
    [InlineData("ClassWeights")]
    [InlineData("NumberOfThreads")]
    [InlineData("Method")]
    [InlineData("Dropout")]
    [InlineData("TeacherDecay")]
    [InlineData("MixupAlpha")]
    [InlineData("Corruption")]
    public void Out_of_range_options_are_refused_naming_the_option(string option)
    {
        var o = FewLabels.Options();
        switch (option)
        {
            case "HeadHiddenLayerSizes": o.HeadHiddenLayerSizes = [0]; break;
            case "ReconstructionWeight": o.ReconstructionWeight = -1; break;
            case "UnlabelledWeight": o.UnlabelledWeight = double.NaN; break;
            case "ConfidenceThreshold": o.ConfidenceThreshold = 1.5; break;
            case "CorruptionLevel": o.Corruption = CorruptionKind.Masking; o.CorruptionLevel = 2; break;   // a fraction: at most 1
            case "EncoderLearningRate": o.EncoderLearningRate = -1; break;
            case "HeadLearningRate": o.HeadLearningRate = 0; break;
            case "Epochs": o.Epochs = 0; break;
            case "BatchSize": o.BatchSize = 0; break;
            case "LabelledBatchSize": o.LabelledBatchSize = -3; break;
            case "ValidationFraction": o.ValidationFraction = 1; break;
            case "EarlyStoppingPatience": o.EarlyStoppingPatience = 0; break;
            case "ClassWeights": o.ClassWeights = [1, 0]; break;
            case "NumberOfThreads": o.NumberOfThreads = 0; break;
            case "Method": o.Method = (SemiSupervisedMethod)42; break;
            case "Dropout": o.Dropout = 1; break;
            case "TeacherDecay": o.TeacherDecay = 1; break;
            case "MixupAlpha": o.MixupAlpha = 0; break;
            case "Corruption": o.Corruption = (CorruptionKind)9; break;
        }
        var e = Assert.ThrowsAny<ArgumentException>(() => new MLContext().MulticlassClassification.Trainers.AutoencoderClassifier(o));
        Assert.Equal(option, e.ParamName);
    }
}
