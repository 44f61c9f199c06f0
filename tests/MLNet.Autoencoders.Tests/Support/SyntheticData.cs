using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Tests.Support;

/// <summary>Small data on a curved low-dimensional manifold, so an autoencoder has something to learn.</summary>
public static class SyntheticData
{
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>Rows of <paramref name="size"/> values in (0, 1): sigmoid of a fixed random mix of a 3-d Gaussian code.</summary>
    public static float[][] Rows(int count, int size = 20, int seed = 7)
    {
        var random = new Random(seed);
        var mix = new double[size, 3];
        for (int j = 0; j < size; j++)
            for (int k = 0; k < 3; k++)
                mix[j, k] = Gaussian(random) * 2;
        var rows = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var z = new[] { Gaussian(random), Gaussian(random), Gaussian(random) };
            rows[i] = new float[size];
            for (int j = 0; j < size; j++)
            {
                double a = mix[j, 0] * z[0] + mix[j, 1] * z[1] + mix[j, 2] * z[2] * z[0];
                rows[i][j] = (float)(1 / (1 + Math.Exp(-a)));
            }
        }
        return rows;
    }

    public static IDataView Load(MLContext mlContext, float[][] rows, string columnName = "Features", int? size = null)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[0].ColumnName = columnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size ?? rows[0].Length);
        return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }), definition);
    }

    public static IDataView Load(MLContext mlContext, int count = 300, int size = 20, int seed = 7) => Load(mlContext, Rows(count, size, seed));

    /// <summary>A standard normal draw from <paramref name="random"/> (Box–Muller): the tests' one Gaussian.</summary>
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    public static float MaxAbsDifference(float[][] a, float[][] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"{a.Length} rows vs {b.Length}");
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i].Length != b[i].Length) throw new ArgumentException($"row {i}: {a[i].Length} vs {b[i].Length}");
            for (int j = 0; j < a[i].Length; j++) max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
        }
        return max;
    }
}
