using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>Scores the first rows of the input data with ONNX Runtime on the exported model and with the ML.NET model,
/// and fails with the largest difference when they disagree.</summary>
internal static class OnnxPipelineValidator
{
    /// <summary>Throws <see cref="InvalidOperationException"/> when an output differs by more than the tolerance.
    /// <c>outputs</c> maps output tensor → column; <c>zeroBasedKeys</c> are the columns whose ONNX value is ML.NET's key value minus 1.</summary>
    public static void Validate(ModelProto exported, ITransformer model, IDataView inputData, IReadOnlyDictionary<string, string> outputs,
        IReadOnlySet<string> zeroBasedKeys, int rows, double tolerance)
    {
        var difference = Compare(exported, model, inputData, outputs, zeroBasedKeys, rows, out int compared);
        if (difference.Value > tolerance)
            throw new InvalidOperationException(
                $"The exported ONNX model disagrees with the ML.NET pipeline on the first {compared} rows: the largest difference is in column " +
                $"'{difference.Column}', row {difference.Row}, slot {difference.Slot}: ML.NET {difference.Expected}, ONNX {difference.Actual} " +
                $"(difference {difference.Value:G3}, tolerance {tolerance:G3}). Nothing was written.");
    }

    /// <summary>The largest difference between ONNX and ML.NET over every output.</summary>
    public readonly record struct Difference(string Column, int Row, int Slot, string Expected, string Actual, double Value);

    public static Difference Compare(ModelProto exported, ITransformer model, IDataView inputData, IReadOnlyDictionary<string, string> outputs,
        IReadOnlySet<string> zeroBasedKeys, int rows, out int compared)
    {
        using var session = new InferenceSession(exported.ToByteArray());
        var inputs = new List<NamedOnnxValue>();
        int n = -1;
        foreach (var input in exported.Graph.Input)
        {
            var values = ColumnValues.Read(inputData, input.Name, rows);
            n = values.Count;
            inputs.Add(CreateInput(input, values));
        }
        var transformed = model.Transform(inputData);
        var expected = outputs.ToDictionary(p => p.Key, p => ColumnValues.Read(transformed, p.Value, rows));
        if (n < 0) n = expected.Values.First().Count;
        compared = n;
        if (n == 0)
            throw new InvalidOperationException("Cannot validate the exported ONNX model: the input data has no rows.");

        var worst = new Difference("", 0, 0, "", "", 0);
        using var results = session.Run(inputs, outputs.Keys.ToArray());
        foreach (var result in results)
        {
            string column = outputs[result.Name];
            var actual = ((IEnumerable)result.Value).Cast<object>().Select(ColumnValues.Box).ToArray();
            var wanted = expected[result.Name];
            int width = wanted.Count == 0 ? 0 : wanted[0].Length;
            if (wanted.Count != n || actual.Length != n * width)
            {
                worst = new Difference(column, 0, 0, $"{wanted.Count} rows of {width}", $"{actual.Length} values", double.PositiveInfinity);
                continue;
            }
            double offset = zeroBasedKeys.Contains(column) ? 1 : 0;
            for (int row = 0; row < n; row++)
                for (int slot = 0; slot < width; slot++)
                {
                    object e = wanted[row][slot], a = actual[row * width + slot];
                    double value;
                    string shownActual;
                    if (e is double ed && a is double ad)
                    {
                        ad += offset;
                        value = double.IsNaN(ed) && double.IsNaN(ad) ? 0
                            : double.IsNaN(ed) || double.IsNaN(ad) ? double.PositiveInfinity
                            : Math.Abs(ad - ed) / Math.Max(1, Math.Abs(ed));
                        shownActual = offset == 0 ? Show(ad) : $"{Show(ad - offset)} (+1 = {Show(ad)})";
                    }
                    else
                    {
                        value = Equals(e, a) ? 0 : double.PositiveInfinity;
                        shownActual = a.ToString() ?? "";
                    }
                    if (value > worst.Value || worst.Column.Length == 0)
                        worst = new Difference(column, row, slot, e is double d ? Show(d) : e.ToString() ?? "", shownActual, value);
                }
        }
        return worst;
    }

    private static string Show(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static NamedOnnxValue CreateInput(ValueInfoProto input, List<object[]> rows)
    {
        var dims = input.Type.TensorType.Shape.Dim;
        int width = rows.Count == 0 ? 0 : rows[0].Length;
        int[] shape = dims.Count == 2 ? [rows.Count, width] : dims.Count == 1 ? [rows.Count * width]
            : throw new NotSupportedException($"Cannot validate: graph input '{input.Name}' has rank {dims.Count}.");
        var flat = rows.SelectMany(r => r).ToArray();
        double D(object o) => o is double d ? d : double.Parse(o.ToString()!, CultureInfo.InvariantCulture);
        return input.Type.TensorType.ElemType switch
        {
            OnnxTypes.Float => Make(input.Name, flat.Select(o => (float)D(o)), shape),
            OnnxTypes.Double => Make(input.Name, flat.Select(D), shape),
            OnnxTypes.Int32 => Make(input.Name, flat.Select(o => (int)D(o)), shape),
            OnnxTypes.Int64 => Make(input.Name, flat.Select(o => (long)D(o)), shape),
            OnnxTypes.UInt32 => Make(input.Name, flat.Select(o => (uint)D(o)), shape),
            OnnxTypes.UInt64 => Make(input.Name, flat.Select(o => (ulong)D(o)), shape),
            OnnxTypes.Int16 => Make(input.Name, flat.Select(o => (short)D(o)), shape),
            OnnxTypes.UInt16 => Make(input.Name, flat.Select(o => (ushort)D(o)), shape),
            OnnxTypes.Int8 => Make(input.Name, flat.Select(o => (sbyte)D(o)), shape),
            OnnxTypes.UInt8 => Make(input.Name, flat.Select(o => (byte)D(o)), shape),
            OnnxTypes.Bool => Make(input.Name, flat.Select(o => D(o) != 0), shape),
            OnnxTypes.String => Make(input.Name, flat.Select(o => o.ToString() ?? ""), shape),
            var t => throw new NotSupportedException($"Cannot validate: graph input '{input.Name}' has element type {(TensorProto.Types.DataType)t}."),
        };
    }

    private static NamedOnnxValue Make<T>(string name, IEnumerable<T> values, int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<T>(values.ToArray(), shape));
}
