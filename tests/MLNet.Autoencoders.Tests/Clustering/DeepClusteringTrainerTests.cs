using Microsoft.ML;
using MLNet.Autoencoders.Data;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Clustering;

public class DeepClusteringTrainerTests
{
    private sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = [];
        public float[] Latent { get; set; } = [];
    }

    [Fact]
    public void Fit_writes_kmeans_columns_that_Evaluate_and_PredictionEngine_read()
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml);
        using var model = SmallDeepClustering.Fit(ml, data);
        var scored = model.Transform(data);

        Assert.Equal(new KeyDataViewType(typeof(uint), 4), scored.Schema["PredictedLabel"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), scored.Schema["Score"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), scored.Schema["Latent"].Type);
        var labels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var scores = ColumnReader.ReadVectors(scored, "Score");
        var latents = ColumnReader.ReadVectors(scored, "Latent");
        var centres = model.GetCentres();
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.InRange(labels[i], 1u, 4u);
            Assert.Equal(Array.IndexOf(scores[i], scores[i].Min()) + 1, (int)labels[i]);
            for (int c = 0; c < 4; c++)
            {
                double d = latents[i].Zip(centres[c], (a, b) => (double)(a - b) * (a - b)).Sum();
                Assert.True(Math.Abs(d - scores[i][c]) <= 1e-3 * (1 + d), $"row {i} centre {c}: {d} vs {scores[i][c]}");
            }
        }

        var metrics = ml.Clustering.Evaluate(scored, labelColumnName: "Label", featureColumnName: "Features");
        Assert.InRange(metrics.NormalizedMutualInformation, 0.05, 1);
        Assert.True(metrics.AverageDistance > 0);

        var engine = ml.Model.CreatePredictionEngine<FashionMnistRow, Prediction>(model);
        var rows = FashionMnist.LoadEmbeddedArrays(20);
        for (int i = 0; i < 20; i++)
        {
            var p = engine.Predict(new FashionMnistRow { Features = rows.GetFeatures(i).ToArray() });
            Assert.Equal(labels[i], p.PredictedLabel);
            Assert.True(SyntheticData.MaxAbsDifference([scores[i]], [p.Score]) <= 1e-4f);
        }
    }

    [Fact]
    public void Works_inside_an_estimator_chain_whose_schema_it_describes()
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml, 200);
        var trainer = ml.Clustering.Trainers.DeepClustering(SmallDeepClustering.Options(o => o.FeatureColumnName = "Pixels"));
        var pipeline = ml.Transforms.CopyColumns("Pixels", "Features").Append(trainer);
        var shape = pipeline.GetOutputSchema(Shapes.Of(data.Schema));
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, shape.Single(c => c.Name == "PredictedLabel").Kind);
        Assert.True(shape.Single(c => c.Name == "PredictedLabel").IsKey);
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "Score").Kind);
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "Latent").Kind);
        var model = pipeline.Fit(data);
        var scored = model.Transform(data);
        Assert.Equal(new KeyDataViewType(typeof(uint), 4), scored.Schema["PredictedLabel"].Type);
        Assert.IsType<DeepClusteringTransformer>(model.LastTransformer);
        model.LastTransformer.Dispose();
    }

    [Fact]
    public void Saved_zip_loads_plainly_and_typed_with_identical_clusters()
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml);
        using var model = SmallDeepClustering.Fit(ml, data, o => o.SoftAssignmentColumnName = "Q");
        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);

        var fresh = new MLContext();
        var plain = fresh.Model.Load(file.Path, out _);
        using var typed = DeepClusteringTransformer.Load(fresh, file.Path);
        Assert.Equal(4, typed.NumberOfClusters);
        Assert.Equal("Q", typed.SoftAssignmentColumnName);
        var before = model.Transform(data);
        foreach (var after in new[] { plain.Transform(data), typed.Transform(data) })
        {
            Assert.Equal(before.GetColumn<uint>("PredictedLabel").ToArray(), after.GetColumn<uint>("PredictedLabel").ToArray());
            foreach (var column in new[] { "Latent", "Score", "Q" })
                Assert.True(SyntheticData.MaxAbsDifference(ColumnReader.ReadVectors(before, column), ColumnReader.ReadVectors(after, column)) <= 1e-5f, column);
        }
        // The loaded model serves ML.NET's clustering tools as the fitted one does.
        var fittedMetrics = ml.Clustering.Evaluate(before, labelColumnName: "Label", featureColumnName: "Features");
        var loadedMetrics = fresh.Clustering.Evaluate(plain.Transform(data), labelColumnName: "Label", featureColumnName: "Features");
        Assert.Equal(fittedMetrics.NormalizedMutualInformation, loadedMetrics.NormalizedMutualInformation, 6);
        var engine = fresh.Model.CreatePredictionEngine<FashionMnistRow, Prediction>(plain);
        var first = FashionMnist.LoadEmbeddedArrays(1).GetFeatures(0).ToArray();
        Assert.Equal(before.GetColumn<uint>("PredictedLabel").First(), engine.Predict(new FashionMnistRow { Features = first }).PredictedLabel);

        var q = ColumnReader.ReadVectors(before, "Q");
        var labels = before.GetColumn<uint>("PredictedLabel").ToArray();
        for (int i = 0; i < q.Length; i++)
        {
            Assert.Equal(1.0, q[i].Sum(), 4);
            Assert.Equal(Array.IndexOf(q[i], q[i].Max()) + 1, (int)labels[i]);
        }
    }
}

internal sealed class FashionMnistRow
{
    [VectorType(784)]
    public float[] Features { get; set; } = [];
}
