using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using VisPruner.DemoModels;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>Trained weights are read exactly, and a file that does not fit the model is refused with the tensor named.</summary>
public sealed class SafetensorsWeightsTests(TrainedModelFolder folder) : IClassFixture<TrainedModelFolder>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vispruner-safetensors-").FullName;

    [Fact]
    public void Reads_float32_and_float16_tensors_and_metadata()
    {
        string path = Write(new Dictionary<string, (string, long[], float[])>
        {
            ["a"] = ("F32", [2, 2], [1.5f, -2f, 3.25f, 0f]),
            ["b"] = ("F16", [3], [0.5f, -1f, 65504f]),
        }, new Dictionary<string, string> { ["hidden_size"] = "64" });
        SafetensorsWeights weights = SafetensorsWeights.Load(path);
        Assert.Equal([1.5f, -2f, 3.25f, 0f], weights.Read("a", [2, 2]));
        Assert.Equal([0.5f, -1f, 65504f], weights.Read("b", [3]));
        Assert.Equal("64", weights.Metadata["hidden_size"]);
    }

    [Fact]
    public void A_wrong_shape_or_missing_tensor_is_named()
    {
        SafetensorsWeights weights = SafetensorsWeights.Load(Write(new() { ["a"] = ("F32", [2, 2], [1, 2, 3, 4]) }));
        Assert.Contains("'a' has shape [2, 2], the model needs [4]", Assert.Throws<InvalidDataException>(() => weights.Read("a", [4])).Message, StringComparison.Ordinal);
        Assert.Contains("no tensor named 'c'", Assert.Throws<InvalidDataException>(() => weights.Read("c", [1])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_files_are_refused()
    {
        string shortFile = Path.Combine(_root, "short.safetensors");
        File.WriteAllBytes(shortFile, [1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => SafetensorsWeights.Load(shortFile));
        string badOffsets = Write(new() { ["a"] = ("F32", [2, 2], [1, 2, 3, 4]) }, shapeOverride: ("a", [3, 2]));
        Assert.Contains("tensor 'a' has data offsets", Assert.Throws<InvalidDataException>(() => SafetensorsWeights.Load(badOffsets)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_factory_refuses_weights_that_do_not_fit_and_names_the_tensor()
    {
        Dictionary<string, (string, long[], float[])> all = folder.Weights.TensorNames.ToDictionary(
            name => name, name => ("F32", Shape(name), folder.Weights.Read(name, Shape(name))));

        var extra = new Dictionary<string, (string, long[], float[])>(all) { ["stray.weight"] = ("F32", [1], [0f]) };
        Assert.Contains("stray.weight", WriteFails(extra), StringComparison.Ordinal);

        var missing = new Dictionary<string, (string, long[], float[])>(all);
        missing.Remove("model.norm.weight");
        Assert.Contains("no tensor named 'model.norm.weight'", WriteFails(missing), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteFails(Dictionary<string, (string, long[], float[])> tensors)
    {
        SafetensorsWeights weights = SafetensorsWeights.Load(Write(tensors, folder.Weights.Metadata.ToDictionary()));
        string target = Path.Combine(_root, "folder-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<InvalidDataException>(() => TinyPhi3VisionModel.Write(target, TinyPhi3VisionOptions.ForTrainedWeights(weights)));
        Assert.False(Directory.Exists(target), "A refused write must leave no folder behind.");
        return error.Message;
    }

    // The stored shape of a committed tensor, read from the file's own header.
    private long[] Shape(string name)
    {
        byte[] file = File.ReadAllBytes(TrainedDemoModel.WeightsFile);
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, length));
        return [.. header.RootElement.GetProperty(name).GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
    }

    // Writes a safetensors file: 8-byte header length, JSON header, raw little-endian data.
    private string Write(Dictionary<string, (string DType, long[] Shape, float[] Values)> tensors, Dictionary<string, string>? metadata = null, (string Name, long[] Shape)? shapeOverride = null)
    {
        var data = new MemoryStream();
        var header = new Dictionary<string, object>();
        var bytes = new byte[4];
        foreach ((string name, (string dtype, long[] shape, float[] values)) in tensors)
        {
            long begin = data.Length;
            foreach (float v in values)
            {
                if (dtype == "F32")
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                    data.Write(bytes, 0, 4);
                }
                else
                {
                    BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)v);
                    data.Write(bytes, 0, 2);
                }
            }

            long[] declared = shapeOverride is { } o && o.Name == name ? o.Shape : shape;
            header[name] = new { dtype, shape = declared, data_offsets = new[] { begin, data.Length } };
        }

        if (metadata is not null)
        {
            header["__metadata__"] = metadata;
        }

        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        string path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".safetensors");
        using FileStream file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        data.Position = 0;
        data.CopyTo(file);
        return path;
    }
}
