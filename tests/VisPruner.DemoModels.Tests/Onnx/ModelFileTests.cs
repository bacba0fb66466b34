using Google.Protobuf;
using VisPruner.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;

namespace VisPruner.DemoModels.Tests.Onnx;

public class ModelFileTests
{
    private static GraphBuilder Linear(int seed)
    {
        var b = new GraphBuilder("linear", seed);
        GraphValue x = b.Input("x", OnnxDataType.Float, 1, 64);
        b.Output("y", b.MatMul(x, b.RandomNormal("w", [64, 32])));
        return b;
    }

    [Fact]
    public void Fields_this_schema_does_not_declare_survive_a_load_save_round_trip()
    {
        byte[] original = Linear(1).ToBytes();
        // Append ModelProto field 25 (functions, not declared here) and a graph-level field 16 inside a second graph chunk.
        var extra = new MemoryStream();
        var writer = new CodedOutputStream(extra);
        writer.WriteTag(25, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(ByteString.CopyFromUtf8("opaque function body"));
        writer.Flush();
        byte[] withUnknown = [.. original, .. extra.ToArray()];

        ModelProto model = OnnxModelFile.Parse(withUnknown);
        byte[] saved = OnnxModelFile.ToBytes(model);

        Assert.Equal(withUnknown, saved);
    }

    [Fact]
    public void Saving_with_external_data_moves_large_tensors_to_an_aligned_data_file_and_loads_back()
    {
        using var folder = new TempFolder();
        ModelProto model = Linear(2).Build();
        float[] weights = OnnxTensors.Read<float>(model.Graph.Initializer[0]);
        string path = folder.File("model.onnx");

        OnnxModelFile.Save(model, path, new ExternalDataOptions { SizeThreshold = 1024, Alignment = 4096 });

        Assert.True(model.Graph.Initializer[0].HasRawData, "the caller's model is left as it was");
        Assert.True(File.Exists(path + ".data"));
        Assert.True(new FileInfo(path).Length < 1024, "weights are not inline");
        ModelProto references = OnnxModelFile.Load(path);
        TensorProto w = references.Graph.Initializer.Single(t => t.Name == "w");
        Assert.True(ExternalData.IsExternal(w));
        Assert.Equal(weights, OnnxTensors.Read<float>(w, folder.Path));
        ModelProto loaded = OnnxModelFile.Load(path, loadExternalData: true);
        Assert.Equal(weights, OnnxTensors.Read<float>(loaded.Graph.Initializer.Single(t => t.Name == "w")));
    }

    [Fact]
    public void The_runtime_reads_external_data_from_a_path_and_from_bytes_with_a_data_folder()
    {
        using var folder = new TempFolder();
        ModelProto model = Linear(3).Build();
        string path = folder.File("linear.onnx");
        OnnxModelFile.Save(model, path, new ExternalDataOptions { SizeThreshold = 16 });
        float[] input = new TensorRandom(4).Normal(64);
        float[] expected = Reference.MatMul(input, OnnxTensors.Read<float>(model.Graph.Initializer[0]), 1, 64, 32);

        using (var fromPath = new InferenceSession(path))
        {
            ModelRunner.AssertClose(expected, ModelRunner.Run(fromPath, ("x", OrtValue.CreateTensorValueFromMemory(input, [1, 64])))[0], 1e-4f);
        }

        using var fromBytesOptions = new SessionOptions();
        fromBytesOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder.Path);
        using var fromBytes = new InferenceSession(File.ReadAllBytes(path), fromBytesOptions);
        ModelRunner.AssertClose(expected, ModelRunner.Run(fromBytes, ("x", OrtValue.CreateTensorValueFromMemory(input, [1, 64])))[0], 1e-4f);
    }

    [Fact]
    public void External_references_that_escape_the_folder_or_overrun_the_file_are_rejected()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("w.data"), new byte[16]);
        var escaping = new TensorProto { Name = "w", DataType = (int)OnnxDataType.Float, Dims = { 4 } };
        ExternalData.SetReference(escaping, "../w.data", 0, 16);
        var overrun = new TensorProto { Name = "w", DataType = (int)OnnxDataType.Float, Dims = { 8 } };
        ExternalData.SetReference(overrun, "w.data", 0, 32);

        Assert.Contains("outside", Assert.Throws<InvalidDataException>(() => ExternalData.Read(escaping, folder.Path)).Message);
        Assert.Contains("w.data", Assert.Throws<InvalidDataException>(() => ExternalData.Read(overrun, folder.Path)).Message);
    }

    [Fact]
    public void Missing_and_corrupt_model_files_get_clear_exceptions()
    {
        using var folder = new TempFolder();
        string missing = folder.File("missing.onnx");
        Assert.Contains("missing.onnx", Assert.Throws<FileNotFoundException>(() => OnnxModelFile.Load(missing)).Message);

        string corrupt = folder.File("corrupt.onnx");
        byte[] truncated = Linear(5).ToBytes()[..100];
        File.WriteAllBytes(corrupt, truncated);
        Assert.Contains("corrupt.onnx", Assert.Throws<InvalidDataException>(() => OnnxModelFile.Load(corrupt)).Message);

        var random = new Random(9);
        for (int i = 0; i < 200; i++)
        {
            var noise = new byte[random.Next(1, 256)];
            random.NextBytes(noise);
            Assert.Throws<InvalidDataException>(() => OnnxModelFile.Parse(noise));
        }
    }

    [Fact]
    public void Typed_data_fields_read_the_same_as_raw_data()
    {
        var tensor = new TensorProto { Name = "t", DataType = (int)OnnxDataType.Float, Dims = { 2, 2 }, FloatData = { 1f, 2f, 3f, 4f } };
        var ints = new TensorProto { Name = "i", DataType = (int)OnnxDataType.Int64, Dims = { 3 }, Int64Data = { 7, -8, 9 } };

        Assert.Equal(new float[] { 1, 2, 3, 4 }, OnnxTensors.Read<float>(tensor));
        Assert.Equal(new long[] { 7, -8, 9 }, OnnxTensors.Read<long>(ints));
        Assert.Throws<InvalidOperationException>(() => OnnxTensors.Read<int>(ints));
    }

    [Fact]
    public void A_model_over_2_GB_is_saved_with_external_data_automatically()
    {
        // Two 1.1 GB weights: together past protobuf's 2 GB message limit.
        const int size = 1_100_000_000;
        var b = new GraphBuilder("big");
        GraphValue x = b.Input("x", OnnxDataType.Int64, 1);
        var first = new byte[size];
        var second = new byte[size];
        first[0] = 1;
        first[^1] = 2;
        second[0] = 3;
        second[^1] = 4;
        GraphValue a = b.Initializer("a", OnnxDataType.UInt8, [size], first);
        GraphValue c = b.Initializer("c", OnnxDataType.UInt8, [size], second);
        b.Output("y", b.Concat(0, [b.Gather(a, x), b.Gather(c, x)]));
        ModelProto model = b.Build();
        using var folder = new TempFolder();
        string path = folder.File("big.onnx");

        Assert.Throws<InvalidOperationException>(() => OnnxModelFile.ToBytes(model));
        OnnxModelFile.Save(model, path);

        Assert.True(new FileInfo(path).Length < 4096);
        ModelProto loaded = OnnxModelFile.Load(path);
        using var data = File.OpenRead(path + ".data");
        Assert.True(data.Length >= 2L * size);
        foreach ((string name, byte firstByte, byte lastByte) in new[] { ("a", (byte)1, (byte)2), ("c", (byte)3, (byte)4) })
        {
            TensorProto tensor = loaded.Graph.Initializer.Single(t => t.Name == name);
            Assert.True(ExternalData.IsExternal(tensor));
            long offset = long.Parse(tensor.ExternalData.Single(e => e.Key == ExternalData.OffsetKey).Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), tensor.ExternalData.Single(e => e.Key == ExternalData.LengthKey).Value);
            data.Position = offset;
            Assert.Equal(firstByte, data.ReadByte());
            data.Position = offset + size - 1;
            Assert.Equal(lastByte, data.ReadByte());
        }
    }
}
