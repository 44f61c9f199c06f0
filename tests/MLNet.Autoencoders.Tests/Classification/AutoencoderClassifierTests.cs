using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Classification;

/// <summary>The autoencoder classifier as an ML.NET multiclass trainer: its columns, Evaluate, MapKeyToValue, PredictionEngine,
/// saving and loading.</summary>
public class AutoencoderClassifierTests
{
    private sealed class Row
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void Output_columns_are_those_of_an_MLNET_multiclass_trainer()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.LatentColumnName = "Latent")).Fit(train);
        var scored = model.Transform(FewLabels.Test(ml));

        var label = scored.Schema["Label"];
        var score = scored.Schema["Score"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 10), score.Type);
        Assert.Equal(label.Type, scored.Schema["PredictedLabel"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), scored.Schema["Latent"].Type);
        Assert.Null(scored.Schema.GetColumnOrNull("Score.Logits"));
        // Slot names: the label's key values (ML.NET's scorer writes them when the key values are text).
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        score.GetSlotNames(ref slotNames);
        Assert.Equal(MLNet.Autoencoders.Data.FashionMnist.ClassNames, slotNames.DenseValues().Select(s => s.ToString()));

        var probabilities = ColumnReader.ReadVectors(scored, "Score");
        Assert.All(probabilities, p => Assert.Equal(1, p.Sum(), 4));
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        Assert.Equal(probabilities.Select(p => (uint)Array.IndexOf(p, p.Max()) + 1), predicted);

        // Evaluate and MapKeyToValue work unchanged; the tiny model (30 steps) is well above chance (0.1).
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.InRange(metrics.MicroAccuracy, 0.25, 1);
        var values = ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(scored).Transform(scored);
        Assert.Equal(predicted.Select(k => MLNet.Autoencoders.Data.FashionMnist.ClassNames[k - 1]), values.GetColumn<string>("PredictedName"));
        // The estimator announces the same columns.
        var shape = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.LatentColumnName = "Latent"))
            .GetOutputSchema(Shapes.Of(train.Schema));
        Assert.True(shape.Single(c => c.Name == "PredictedLabel").IsKey);
        Assert.Contains(shape, c => c.Name == "Score");
        Assert.Contains(shape, c => c.Name == "Latent");
    }

    [Fact]
    public void Saved_zip_loads_without_the_library_and_agrees_with_the_fitted_model()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        var test = FewLabels.Test(ml);
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options()).Fit(train);
        using var file = new TempFile(".zip");
        ml.Model.Save(model, train.Schema, file.Path);

        var loaded = new MLContext(seed: 2).Model.Load(file.Path, out _);
        Assert.IsNotType<AutoencoderClassifierTransformer>(loaded);
        var fittedScored = model.Transform(test);
        var loadedScored = loaded.Transform(test);
        Assert.Equal(fittedScored.GetColumn<uint>("PredictedLabel"), loadedScored.GetColumn<uint>("PredictedLabel"));
        AssertClose(ColumnReader.ReadVectors(fittedScored, "Score"), ColumnReader.ReadVectors(loadedScored, "Score"));
        Assert.Equal(ml.MulticlassClassification.Evaluate(fittedScored).MicroAccuracy, ml.MulticlassClassification.Evaluate(loadedScored).MicroAccuracy);

        // PredictionEngine on both, and the typed reload.
        var row = new Row { Features = ColumnReader.ReadVectors(test, "Features")[0] };
        var fromFitted = ml.Model.CreatePredictionEngine<Row, Prediction>(model).Predict(row);
        var fromLoaded = ml.Model.CreatePredictionEngine<Row, Prediction>(loaded).Predict(row);
        Assert.Equal(fromFitted.PredictedLabel, fromLoaded.PredictedLabel);
        AssertClose([fromFitted.Score], [fromLoaded.Score]);
        AssertClose([fromFitted.Score], [model.PredictProbabilities(row.Features)]);
        using var typed = AutoencoderClassifierTransformer.Load(ml, file.Path);
        Assert.Equal(model.NumberOfClasses, typed.NumberOfClasses);
        Assert.Equal(model.TrainingHistory.Count, typed.TrainingHistory.Count);
        Assert.Equal(fittedScored.GetColumn<uint>("PredictedLabel"), typed.Transform(test).GetColumn<uint>("PredictedLabel"));
        AssertClose(ColumnReader.ReadVectors(fittedScored, "Score"), ColumnReader.ReadVectors(typed.Transform(test), "Score"));
    }

    [Fact]
    public void Typed_loads_tell_a_classifier_zip_from_an_autoencoder_zip()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options()).Fit(train);
        using var classifierZip = new TempFile(".zip");
        ml.Model.Save(model, train.Schema, classifierZip.Path);
        using var autoencoderZip = new TempFile(".zip");
        ml.Model.Save(FewLabels.Autoencoder, train.Schema, autoencoderZip.Path);

        var e = Assert.Throws<InvalidDataException>(() => AutoencoderClassifierTransformer.Load(ml, autoencoderZip.Path));
        Assert.Contains("holds no autoencoder classifier", e.Message);
        Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(ml, classifierZip.Path));
        using var notAZip = new TempFile(".zip");
        File.WriteAllBytes(notAZip.Path, [1, 2, 3, 4, 5]);
        Assert.Throws<InvalidDataException>(() => AutoencoderClassifierTransformer.Load(ml, notAZip.Path));
    }

    [Fact]
    public void Batched_transform_matches_the_row_by_row_engine_on_every_row()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options()).Fit(FewLabels.Train(ml));
        var test = FewLabels.Test(ml);
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(model);
        var batched = ColumnReader.ReadVectors(model.Transform(test), "Score");
        var single = ColumnReader.ReadVectors(test, "Features").Select(f => engine.Predict(new Row { Features = f }).Score).ToArray();
        AssertClose(batched, single);
    }

    [Fact]
    public void The_MLNET_internals_the_classifier_reaches_are_still_there()
    {
        // Fails when a new ML.NET moves what MLContextAccess reaches by reflection.
        var ml = new MLContext(seed: 1);
        var environment = MLContextAccess.FromCatalog(ml.MulticlassClassification.Trainers);
        Assert.Same(MLContextAccess.FromCatalog(ml.Transforms), environment);
        Assert.NotNull(MLContextAccess.Transforms(environment));
        var labelled = FewLabels.Test(ml);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Logits", new VectorDataViewType(NumberDataViewType.Single, 10));
        builder.AddColumn("Label", labelled.Schema["Label"].Type, labelled.Schema["Label"].Annotations);
        var scorer = MLContextAccess.SoftmaxScorer(environment, builder.ToSchema(), "Logits", "Label", 10);
        Assert.True(MLContextAccess.IsSoftmaxScorer(scorer, "Logits"));
    }

    internal static void AssertClose(float[][] expected, float[][] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], new FloatComparer(tolerance));
    }
}
