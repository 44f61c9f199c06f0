using System.Collections;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Autoencoders.Evaluation;
using Onnx;
using Xunit;

namespace MLNet.Autoencoders.Tests.Export;

/// <summary>Runs an exported model with ONNX Runtime on Fashion-MNIST style columns (float Label [N, 1], float Features [N, D]).</summary>
internal static class ExportedOnnx
{
    public static ModelProto Parse(byte[] bytes) => ModelProto.Parser.ParseFrom(bytes);

    /// <summary>Every output as flat doubles (row-major [rows, width]), by output name.</summary>
    public static Dictionary<string, double[]> Run(byte[] onnx, IDataView data)
    {
        using var session = new InferenceSession(onnx);
        var inputs = new List<NamedOnnxValue>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            Assert.Equal(typeof(float), meta.ElementType);
            var rows = data.Schema[name].Type is Microsoft.ML.Data.VectorDataViewType
                ? ColumnReader.ReadVectors(data, name)
                : data.GetColumn<float>(name).Select(v => new[] { v }).ToArray();
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length])));
        }
        using var results = session.Run(inputs);
        return results.ToDictionary(r => r.Name, r => ((IEnumerable)r.Value).Cast<object>().Select(Convert.ToDouble).ToArray());
    }

    /// <summary>Largest |a − b| / max(1, |b|).</summary>
    public static double MaxDifference(double[] onnx, double[] mlnet)
    {
        Assert.Equal(mlnet.Length, onnx.Length);
        double max = 0;
        for (int i = 0; i < onnx.Length; i++)
            max = Math.Max(max, Math.Abs(onnx[i] - mlnet[i]) / Math.Max(1, Math.Abs(mlnet[i])));
        return max;
    }

    public static double[] Flat(float[][] rows) => rows.SelectMany(r => r.Select(v => (double)v)).ToArray();
}
