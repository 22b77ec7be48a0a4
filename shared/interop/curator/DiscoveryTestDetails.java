// A Jackson POJO payload for the discovery interop tests: a Java reader whose payload class is this
// one can only read instances whose payload carries "@class":"DiscoveryTestDetails".
public class DiscoveryTestDetails {
  private String description;
  private int weight;

  public DiscoveryTestDetails() {}

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public int getWeight() {
    return weight;
  }

  public void setWeight(int weight) {
    this.weight = weight;
  }
}
