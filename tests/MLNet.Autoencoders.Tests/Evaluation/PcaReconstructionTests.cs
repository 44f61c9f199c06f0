using Microsoft.ML;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class PcaReconstructionTests
{
    [Fact]
    public void Probed_projection_agrees_with_MLNET_and_rebuilds_with_it()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(300);
        var data = SyntheticData.Load(ml, rows);
        var pca = PcaReconstruction.Fit(ml, data, "Features", rank: 4, seed: 1);
        var fromMlNet = ColumnReader.ReadVectors(pca.Transformer.Transform(data), pca.OutputColumnName);

        // Both are the same linear map; they may differ only by a constant (where each puts the centre).
        var offset = pca.Project(rows[0]).Zip(fromMlNet[0], (a, b) => a - b).ToArray();
        for (int i = 1; i < rows.Length; i += 13)
            Assert.Equal(fromMlNet[i].Zip(offset, (a, b) => a + b), pca.Project(rows[i]), new FloatComparer(1e-4f));

        // A rebuild is the orthogonal projection: projecting it again changes nothing.
        var rebuilt = pca.Reconstruct(rows[5]);
        Assert.Equal(rebuilt, pca.Reconstruct(rebuilt), new FloatComparer(1e-4f));
        Assert.True(pca.MeanSquaredError(data) < rows.Average(r => r.Average(v => (v - r.Average()) * (v - r.Average()))));
    }

    [Fact]
    public void Rank_32_on_Fashion_MNIST_is_close_to_scikit_learn()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 2000);
        var pca = PcaReconstruction.Fit(ml, data, "Features", rank: 32, seed: 1);
        double mse = pca.MeanSquaredError(data);
        // scikit-learn PCA(32, svd_solver='full') on the same 2,000 rows: 0.014429 (the optimum for rank 32).
        Assert.InRange(mse, 0.014429 * 0.999, 0.014429 * 1.10);
        Assert.Equal(32, pca.Project(new float[784]).Length);
    }

    [Fact]
    public void Bad_rank_or_row_size_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 50);
        Assert.Throws<ArgumentOutOfRangeException>(() => PcaReconstruction.Fit(ml, data, "Features", rank: 20));
        var pca = PcaReconstruction.Fit(ml, data, "Features", rank: 2);
        var e = Assert.Throws<ArgumentException>(() => pca.Reconstruct(new float[19]));
        Assert.Contains("19 values", e.Message);
    }
}
