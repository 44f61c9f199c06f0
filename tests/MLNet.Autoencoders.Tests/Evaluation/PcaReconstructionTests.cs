using Microsoft.ML;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class PcaReconstructionTests(ITestOutputHelper output)
{
    [Theory]
    // Mean on the subspace: exact up to float rounding.
    [InlineData(0.0, 300, 1e-10)]
    // Mean off the subspace: ML.NET 5.0.1 tilts its subspace by O(|m|²/n) (see PcaReconstruction's remarks), so the
    // error is not float-exact but still ~1e-7 of the variance with 2,000 rows (1.2e-6 with 300 rows).
    [InlineData(1.0, 2000, 1e-7)]
    public void RebuildsDataOnAnAffineSubspace(double offsetScale, int count, double bound)
    {
        // Rows m + B z: an affine subspace of rank 3 in 20 dimensions, so rank-3 PCA loses nothing.
        var random = new Random(5);
        const int size = 20, rank = 3;
        var offset = Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * offsetScale)).ToArray();
        var basis = Enumerable.Range(0, rank).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
        var rows = Enumerable.Range(0, count).Select(_ =>
        {
            var z = Enumerable.Range(0, rank).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            return Enumerable.Range(0, size).Select(j => offset[j] + z[0] * basis[0][j] + z[1] * basis[1][j] + z[2] * basis[2][j]).ToArray();
        }).ToArray();
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, rows);

        var pca = PcaReconstruction.Fit(ml, data, "Features", rank, seed: 1);

        Assert.Equal(rank, pca.Rank);
        Assert.Equal(size, pca.InputSize);
        double mse = pca.MeanSquaredError(data);
        output.WriteLine($"affine rank-3, offset scale {offsetScale}, {count} rows: MSE {mse:E3} (per-value variance is about 0.43)");
        Assert.InRange(mse, 0, bound);
        Assert.Equal(rows[17], pca.Reconstruct(rows[17]), new FloatComparer(2e-3f));
        // A rank-2 PCA of the same data must lose something.
        Assert.True(PcaReconstruction.Fit(ml, data, "Features", 2, seed: 1).MeanSquaredError(data) > 1e-3);
    }

    [Fact]
    public void RecoveredProjectionMatchesTheTransformerAndIsOrthonormal()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(400);
        var data = SyntheticData.Load(ml, rows);

        var pca = PcaReconstruction.Fit(ml, data, "Features", 5, seed: 3, outputColumnName: "Projected");

        // ML.NET 5.0.1 centres with m (1 + 1/n) instead of m, so its output is Project(x) − A m / n: a fixed shift.
        var a = pca.Projection.ToArray();
        var mean = pca.Mean.ToArray();
        var shift = new float[5];
        for (int r = 0; r < 5; r++)
            for (int j = 0; j < 20; j++) shift[r] += a[r * 20 + j] * mean[j] / rows.Length;
        var fromMlNet = ColumnReader.ReadVectors(pca.Transformer.Transform(data), "Projected");
        float worst = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var projected = pca.Project(rows[i]);
            for (int r = 0; r < 5; r++) worst = Math.Max(worst, Math.Abs(projected[r] - shift[r] - fromMlNet[i][r]));
        }
        output.WriteLine($"max |Project - A m / n - transformer output|: {worst:E2}; shift {string.Join(", ", shift.Select(v => v.ToString("E2")))}");
        Assert.InRange(worst, 0, 1e-5f);

        double deviation = MaxDeviationFromOrthonormal(pca);
        output.WriteLine($"synthetic rank 5: max |A Aᵀ - I| = {deviation:E2}");
        Assert.InRange(deviation, 0, 1e-3);

        // A projection is idempotent: rebuilding a rebuilt row changes it only as much as A misses orthonormality.
        var once = pca.Reconstruct(rows[3]);
        Assert.Equal(once, pca.Reconstruct(once), new FloatComparer(1e-4f));
    }

    [Fact]
    public void FashionMnistRank32IsCloseToScikitLearn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(FashionMnist.LoadEmbedded(ml, 2000));

        var pca = PcaReconstruction.Fit(ml, data, "Features", 32, seed: 1);
        double mse = pca.MeanSquaredError(data);
        double deviation = MaxDeviationFromOrthonormal(pca);
        output.WriteLine($"Fashion-MNIST first 2,000 rows, rank 32: MSE {mse:F6}, max |A Aᵀ - I| = {deviation:E2}");

        // scikit-learn 1.2.1 PCA(32, svd_solver="full") fitted and evaluated on the same 2,000 rows: 0.014429369719119943.
        // That is the optimum on these rows, so ML.NET's randomized PCA cannot beat it (beyond rounding) and should be close.
        const double sklearn = 0.014429369719119943;
        Assert.InRange(mse, sklearn * 0.999, sklearn * 1.10);
        Assert.InRange(deviation, 0, 1e-4);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 50);
        Assert.Throws<ArgumentOutOfRangeException>(() => PcaReconstruction.Fit(ml, data, "Features", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PcaReconstruction.Fit(ml, data, "Features", 20));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => PcaReconstruction.Fit(ml, data, "Nope", 2));
        Assert.Contains("'Nope'", missing.Message);

        var pca = PcaReconstruction.Fit(ml, data, "Features", 2, seed: 1);
        Assert.Throws<ArgumentException>(() => pca.Reconstruct(new float[19]));
        Assert.Throws<ArgumentException>(() => pca.Project(new float[21]));
        var wider = SyntheticData.Load(ml, 10, size: 21);
        Assert.Throws<ArgumentOutOfRangeException>(() => pca.MeanSquaredError(wider));
        var nan = SyntheticData.Rows(10);
        nan[4][2] = float.NaN;
        Assert.Throws<InvalidOperationException>(() => PcaReconstruction.Fit(ml, SyntheticData.Load(ml, nan), "Features", 2));
    }

    private double MaxDeviationFromOrthonormal(PcaReconstruction pca)
    {
        var a = pca.Projection;
        int d = pca.InputSize;
        double diagonal = 0, offDiagonal = 0;
        for (int r = 0; r < pca.Rank; r++)
            for (int s = 0; s < pca.Rank; s++)
            {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += (double)a[r * d + j] * a[s * d + j];
                if (r == s) diagonal = Math.Max(diagonal, Math.Abs(dot - 1));
                else offDiagonal = Math.Max(offDiagonal, Math.Abs(dot));
            }
        output.WriteLine($"  |A Aᵀ - I|: diagonal {diagonal:E2}, off-diagonal {offDiagonal:E2}");
        return Math.Max(diagonal, offDiagonal);
    }
}
