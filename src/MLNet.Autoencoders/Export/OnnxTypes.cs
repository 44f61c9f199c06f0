using Microsoft.ML.Data;
using Onnx;

namespace MLNet.Autoencoders.Export;

/// <summary>ONNX tensor types of ML.NET column types, as ML.NET's converter writes them: [N, size] for a known-size
/// vector, [N, 1] for a scalar; keys as their raw unsigned integers.</summary>
internal static class OnnxTypes
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
        Double = 11, UInt32 = 12, UInt64 = 13;

    /// <summary>The tensor type, or null for types ONNX cannot hold (variable-size vectors, images, custom types).</summary>
    public static TypeProto? FromDataViewType(DataViewType type)
    {
        long size = 1;
        var item = type;
        if (type is VectorDataViewType vector)
        {
            if (!vector.IsKnownSize) return null;
            size = vector.Size;
            item = vector.ItemType;
        }
        int elem = ElementType(item.RawType);
        if (elem == 0) return null;
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxModelEditing.BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elem, Shape = shape } };
    }

    private static int ElementType(Type raw) =>
        raw == typeof(float) ? Float : raw == typeof(double) ? Double : raw == typeof(int) ? Int32 : raw == typeof(long) ? Int64 :
        raw == typeof(uint) ? UInt32 : raw == typeof(ulong) ? UInt64 : raw == typeof(short) ? Int16 : raw == typeof(ushort) ? UInt16 :
        raw == typeof(byte) ? UInt8 : raw == typeof(sbyte) ? Int8 : raw == typeof(bool) ? Bool :
        raw == typeof(ReadOnlyMemory<char>) ? String : 0;
}
