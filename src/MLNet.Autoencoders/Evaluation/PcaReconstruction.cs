using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Evaluation;

/// <summary>
/// ML.NET's PCA (<c>ProjectToPrincipalComponents</c>) as a reconstruction baseline: the linear dimension reduction an
/// autoencoder must beat. ML.NET gives only the projection, so this recovers the projection matrix A (rank × input size)
/// by probing the fitted transformer with the zero row and the unit vectors, and rebuilds a row as
/// x̂ = m + AᵀA (x − m), with m the training mean. A's rows come out orthonormal (to about 1e-5), so this is the
/// orthogonal projection onto ML.NET's principal subspace.
/// </summary>
public sealed class PcaReconstruction
{
    private readonly float[] projection; // rank × inputSize, row-major
    private readonly float[] mean;

    private PcaReconstruction(ITransformer transformer, string inputColumnName, string outputColumnName, float[] projection, float[] mean, int rank)
    {
        Transformer = transformer;
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        this.projection = projection;
        this.mean = mean;
        Rank = rank;
    }

    /// <summary>The fitted ML.NET PCA transformer (adds <see cref="OutputColumnName"/>).</summary>
    public ITransformer Transformer { get; }

    /// <summary>The column PCA reads.</summary>
    public string InputColumnName { get; }

    /// <summary>The column that holds the PCA projection.</summary>
    public string OutputColumnName { get; }

    /// <summary>Number of principal components.</summary>
    public int Rank { get; }

    /// <summary>Number of values in an input row.</summary>
    public int InputSize => mean.Length;

    /// <summary>Fits ML.NET's PCA of rank <paramref name="rank"/> on <paramref name="train"/> and recovers its projection.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="train">Training rows.</param>
    /// <param name="featureColumnName">A known-size vector of Single.</param>
    /// <param name="rank">Number of components (less than the input size).</param>
    /// <param name="seed">Seed of ML.NET's randomized PCA; null: from the MLContext.</param>
    /// <param name="outputColumnName">Column for the projection. Default "Pca".</param>
    public static PcaReconstruction Fit(MLContext mlContext, IDataView train, string featureColumnName, int rank, int? seed = null, string outputColumnName = "Pca")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(train);
        int size = FeatureColumn.GetVectorSize(train.Schema, featureColumnName);
        if (rank <= 0 || rank >= size)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must lie in [1, {size - 1}] for column '{featureColumnName}' of {size} features.");
        var transformer = mlContext.Transforms.ProjectToPrincipalComponents(outputColumnName, featureColumnName, rank: rank, seed: seed).Fit(train);

        var rows = FeatureColumn.Read(train, featureColumnName, size);
        var mean = new float[size];
        for (int i = 0; i < rows.Rows; i++) TensorPrimitives.Add(mean, rows.Row(i), mean);
        TensorPrimitives.Divide(mean, rows.Rows, mean);

        // Probe: row 0 is the zero vector, row 1 + j is the unit vector e_j; y(e_j) − y(0) is column j of A.
        var probes = new float[(size + 1) * size];
        for (int j = 0; j < size; j++) probes[(1 + j) * size + j] = 1;
        var probeData = new MatrixDataView(probes, size + 1, size, featureColumnName);
        var projected = ColumnReader.ReadVectors(transformer.Transform(probeData), outputColumnName);
        var projection = new float[rank * size];
        for (int j = 0; j < size; j++)
            for (int r = 0; r < rank; r++)
                projection[r * size + j] = projected[1 + j][r] - projected[0][r];
        return new PcaReconstruction(transformer, featureColumnName, outputColumnName, projection, mean, rank);
    }

    /// <summary>The projection A (x − m) of one row: its coordinates on the principal components.</summary>
    public float[] Project(ReadOnlySpan<float> row)
    {
        CheckSize(row);
        var centered = new float[InputSize];
        TensorPrimitives.Subtract(row, mean, centered);
        var y = new float[Rank];
        for (int r = 0; r < Rank; r++) y[r] = TensorPrimitives.Dot(projection.AsSpan(r * InputSize, InputSize), centered);
        return y;
    }

    /// <summary>The best rank-<see cref="Rank"/> linear rebuild of one row: m + Aᵀ A (x − m).</summary>
    public float[] Reconstruct(ReadOnlySpan<float> row)
    {
        var y = Project(row);
        var result = (float[])mean.Clone();
        for (int r = 0; r < Rank; r++)
            TensorPrimitives.MultiplyAdd(projection.AsSpan(r * InputSize, InputSize), y[r], result, result);
        return result;
    }

    /// <summary>Mean over all rows and values of (x̂ − x)²: the per-value reconstruction MSE, comparable with an autoencoder's
    /// reconstruction error column averaged over rows.</summary>
    public double MeanSquaredError(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = FeatureColumn.Read(data, InputColumnName, FeatureColumn.GetVectorSize(data.Schema, InputColumnName));
        CheckSize(rows.Row(0));
        var difference = new float[InputSize];
        double sum = 0;
        for (int i = 0; i < rows.Rows; i++)
        {
            TensorPrimitives.Subtract(Reconstruct(rows.Row(i)), rows.Row(i), difference);
            sum += TensorPrimitives.SumOfSquares<float>(difference);
        }
        return sum / ((double)rows.Rows * InputSize);
    }

    private void CheckSize(ReadOnlySpan<float> row)
    {
        if (row.Length != InputSize)
            throw new ArgumentException($"The row has {row.Length} values, but the PCA was fitted on {InputSize}.", nameof(row));
    }
}
