using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;

using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Evaluation;

/// <summary>
/// ML.NET's PCA (<c>ProjectToPrincipalComponents</c>) as a reconstruction baseline: the linear dimension reduction an
/// autoencoder has to beat. ML.NET only projects, y = A (x − m), so this recovers the projection matrix A
/// (<see cref="Rank"/> × <see cref="InputSize"/>) by probing the fitted transformer with the zero row and the unit
/// vectors (y(eⱼ) − y(0) is column j of A), takes m as the mean of the training rows, and rebuilds a row as
/// x̂ = m + Aᵀ A (x − m).
/// </summary>
/// <remarks>
/// <para>What the probe shows about ML.NET 5.0.1's PCA (measured; the tests pin the first two points):</para>
/// <list type="bullet">
/// <item>The rows of A are nearly orthonormal, not exactly: max |A Aᵀ − I| is about 6e-5 on Fashion-MNIST at rank 32
/// (2,000 rows) and 1e-4 on a 20-feature set at rank 5. ML.NET scales each direction by 1/(σ + 1e-6), so low-variance
/// directions come out slightly short, and its float Gram–Schmidt leaves ~1e-5 of overlap. x̂ is therefore a projection
/// onto ML.NET's subspace to within that accuracy; A is used as it is, not re-orthonormalized.</item>
/// <item>ML.NET centres with m (1 + 1/n) rather than m (its second pass over the data adds to the first pass's mean),
/// so <see cref="Transformer"/>'s output is <see cref="Project"/>(x) − A m / n. <see cref="Project"/> and
/// <see cref="Reconstruct"/> use the true mean. The same slip tilts ML.NET's subspace by O(|m|²/n) when the mean lies
/// off the principal subspace: negligible on Fashion-MNIST (centring the data first changes the MSE by less than
/// 1e-6), but visible on few rows far from the origin (an exact rank-3 affine subspace, 300 rows: MSE 1e-6 instead of
/// 5e-14).</item>
/// <item>ML.NET's PCA is randomized (oversampling 20, no power iterations), so its subspace is close to, not exactly,
/// the top eigenvectors: rank 32 on the first 2,000 Fashion-MNIST rows gives MSE 0.01460 against scikit-learn's exact
/// 0.01443 (+1.2%); on the first 8,000 rows 0.01514 against 0.01500.</item>
/// </list>
/// </remarks>
public sealed class PcaReconstruction
{
    private readonly float[] _projection; // A: Rank × InputSize, row-major
    private readonly float[] _mean;       // m: InputSize

    private PcaReconstruction(ITransformer transformer, string inputColumnName, string outputColumnName, float[] projection, float[] mean, int rank)
    {
        Transformer = transformer;
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        _projection = projection;
        _mean = mean;
        Rank = rank;
    }

    /// <summary>The fitted ML.NET PCA transformer; it adds <see cref="OutputColumnName"/> (a vector of <see cref="Rank"/> Singles).</summary>
    public ITransformer Transformer { get; }

    /// <summary>The column PCA reads, and that <see cref="MeanSquaredError"/> reads.</summary>
    public string InputColumnName { get; }

    /// <summary>The column <see cref="Transformer"/> writes the projection to.</summary>
    public string OutputColumnName { get; }

    /// <summary>Number of principal components.</summary>
    public int Rank { get; }

    /// <summary>Number of values in an input row.</summary>
    public int InputSize => _mean.Length;

    /// <summary>The projection matrix A, row-major (one principal direction per row). Internal: tests check its rows.</summary>
    internal ReadOnlySpan<float> Projection => _projection;

    /// <summary>The training mean m.</summary>
    internal ReadOnlySpan<float> Mean => _mean;

    /// <summary>Fits ML.NET's PCA of rank <paramref name="rank"/> (with its default <c>ensureZeroMean</c>) on
    /// <paramref name="train"/> and recovers its projection, so rows can be rebuilt.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="train">Training rows; read twice (PCA fit, then the mean), so cache it if it is expensive.</param>
    /// <param name="featureColumnName">A known-size vector of Single with finite values.</param>
    /// <param name="rank">Number of components, in [1, size − 1].</param>
    /// <param name="seed">Seed of ML.NET's randomized PCA; null takes one from <paramref name="mlContext"/>.</param>
    /// <param name="outputColumnName">Column for the projection that <see cref="Transformer"/> adds. Default "Pca".</param>
    /// <returns>The fitted PCA with its recovered projection and mean.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a known-size vector of Single, or the rank is out of range.</exception>
    /// <exception cref="InvalidOperationException">The training data has no rows, or a NaN or infinite value.</exception>
    public static PcaReconstruction Fit(MLContext mlContext, IDataView train, string featureColumnName, int rank, int? seed = null, string outputColumnName = "Pca")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(featureColumnName);
        ArgumentNullException.ThrowIfNull(outputColumnName);
        int size = FeatureColumn.GetVectorSize(train.Schema, featureColumnName, "PCA", nameof(featureColumnName));
        if (rank < 1 || rank >= size)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must lie in [1, {size - 1}] for column '{featureColumnName}' of {size} values.");

        var transformer = mlContext.Transforms.ProjectToPrincipalComponents(outputColumnName, featureColumnName, rank: rank, seed: seed).Fit(train);
        var mean = TrainingMean(train, featureColumnName, size);

        // One Transform over d + 1 probe rows: row 0 is the zero vector, row 1 + j is the unit vector eⱼ, so
        // y(eⱼ) − y(0) = A eⱼ is column j of A. The unit vectors are sparse, so the probe costs O(d) memory, not O(d²).
        var definition = SchemaDefinition.Create(typeof(ProbeRow));
        definition[0].ColumnName = featureColumnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        var probes = mlContext.Data.LoadFromEnumerable(Probes(size), definition);
        var projected = transformer.Transform(probes);
        var projection = new float[rank * size];
        var column = projected.Schema[outputColumnName];
        using (var cursor = projected.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            var atZero = new float[rank];
            var atUnit = new float[rank];
            for (int row = 0; cursor.MoveNext(); row++)
            {
                getter(ref buffer);
                if (row == 0) { buffer.CopyTo(atZero); continue; }
                buffer.CopyTo(atUnit);
                for (int r = 0; r < rank; r++) projection[r * size + row - 1] = atUnit[r] - atZero[r];
            }
        }
        return new PcaReconstruction(transformer, featureColumnName, outputColumnName, projection, mean, rank);
    }

    /// <summary>The coordinates A (x − m) of one row on the principal components, with m the true training mean.
    /// <see cref="Transformer"/> writes these minus the constant A m / n (see the remarks on the class).</summary>
    /// <param name="row">A row of <see cref="InputSize"/> values.</param>
    /// <returns><see cref="Rank"/> values.</returns>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    public float[] Project(ReadOnlySpan<float> row)
    {
        CheckSize(row);
        var coordinates = new float[Rank];
        ProjectInto(row, new float[InputSize], coordinates);
        return coordinates;
    }

    /// <summary>The rank-<see cref="Rank"/> linear rebuild of one row, x̂ = m + Aᵀ A (x − m).</summary>
    /// <param name="row">A row of <see cref="InputSize"/> values.</param>
    /// <returns><see cref="InputSize"/> values.</returns>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    public float[] Reconstruct(ReadOnlySpan<float> row)
    {
        CheckSize(row);
        var result = new float[InputSize];
        ReconstructInto(row, new float[Rank], result);
        return result;
    }

    /// <summary>Mean over all rows and values of (x̂ − x)²: the per-value reconstruction MSE (like PyTorch's
    /// <c>mse_loss</c>), comparable with an autoencoder's per-row reconstruction error averaged over rows.</summary>
    /// <param name="data">Rows with <see cref="InputColumnName"/> of <see cref="InputSize"/> values.</param>
    /// <returns>The mean squared error.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, not a known-size vector of Single, or of another size.</exception>
    /// <exception cref="InvalidOperationException">The data has no rows.</exception>
    public double MeanSquaredError(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = FeatureColumn.GetVectorSize(data.Schema, InputColumnName, "PCA", nameof(data));
        if (size != InputSize)
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{InputColumnName}' has {size} values, but the PCA was fitted on {InputSize}.");
        var column = data.Schema[InputColumnName];
        // Streamed with reused buffers: no copy of the whole data and no allocation per row.
        var row = new float[size];
        var coordinates = new float[Rank];
        var rebuilt = new float[size];
        var buffer = default(VBuffer<float>);
        double sum = 0;
        long rows = 0;
        using (var cursor = data.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                buffer.CopyTo(row);
                ReconstructInto(row, coordinates, rebuilt);
                TensorPrimitives.Subtract(rebuilt, row, rebuilt);
                sum += TensorPrimitives.SumOfSquares<float>(rebuilt);
                rows++;
            }
        }
        if (rows == 0)
            throw new InvalidOperationException($"Column '{InputColumnName}' has no rows to measure.");
        return sum / ((double)rows * size);
    }

    // y = A (x − m), using `centered` as scratch.
    private void ProjectInto(ReadOnlySpan<float> row, Span<float> centered, Span<float> coordinates)
    {
        TensorPrimitives.Subtract(row, _mean, centered);
        for (int r = 0; r < Rank; r++)
            coordinates[r] = TensorPrimitives.Dot(_projection.AsSpan(r * InputSize, InputSize), centered);
    }

    // x̂ = m + Aᵀ y; `result` doubles as the scratch for the centered row, which is dead once y is known.
    private void ReconstructInto(ReadOnlySpan<float> row, Span<float> coordinates, Span<float> result)
    {
        ProjectInto(row, result, coordinates);
        _mean.CopyTo(result);
        for (int r = 0; r < Rank; r++)
            TensorPrimitives.MultiplyAdd(_projection.AsSpan(r * InputSize, InputSize), coordinates[r], result, result);
    }

    private void CheckSize(ReadOnlySpan<float> row)
    {
        if (row.Length != InputSize)
            throw new ArgumentException($"The row has {row.Length} values, but the PCA was fitted on {InputSize}.", nameof(row));
    }

    // Accumulated in double: a float sum over tens of thousands of rows would lose digits the reconstruction needs.
    private static float[] TrainingMean(IDataView train, string columnName, int size)
    {
        var column = train.Schema[columnName];
        var sum = new double[size];
        var row = new float[size];
        var buffer = default(VBuffer<float>);
        long rows = 0;
        using (var cursor = train.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                buffer.CopyTo(row);
                for (int j = 0; j < size; j++)
                {
                    if (!float.IsFinite(row[j]))
                        throw new InvalidOperationException($"Column '{columnName}' has a NaN or infinite value in row {rows} (slot {j}); PCA needs finite values (use ReplaceMissingValues first).");
                    sum[j] += row[j];
                }
                rows++;
            }
        }
        if (rows == 0)
            throw new InvalidOperationException($"Column '{columnName}' has no rows to fit PCA on.");
        var mean = new float[size];
        for (int j = 0; j < size; j++) mean[j] = (float)(sum[j] / rows);
        return mean;
    }

    private static IEnumerable<ProbeRow> Probes(int size)
    {
        yield return new ProbeRow { Features = new VBuffer<float>(size, 0, [], []) };
        for (int j = 0; j < size; j++)
            yield return new ProbeRow { Features = new VBuffer<float>(size, 1, [1f], [j]) };
    }

    /// <summary>A probe row for <see cref="Fit"/>; the column is renamed through a schema definition.</summary>
    internal sealed class ProbeRow
    {
        public VBuffer<float> Features;
    }
}
